/**
 * The commented starter `enigma.yaml` that `enigma init` writes: one paper account that trades at
 * once, and a NinjaTrader account with its gateway, commented out. An explanation is `# ` and
 * text; a commented-out setting is `#` without that one space, so uncommenting it is removing
 * the `#` (a test does).
 */
export function starterConfig(paths: { readonly schema: string; readonly pipeline: string }): string {
  return `# yaml-language-server: $schema=${paths.schema}
#
# Enigma-Apex engine configuration. \`enigma validate enigma.yaml\` checks it, \`enigma run\` reads it
# (or \`enigma run --config FILE\`), and command-line flags override it. Relative paths are relative
# to this file.

# The accounts the engine trades. Each kelly step sizes every signal once for each account that
# trades its pipeline, and the risk engine checks each intent against that account's rule profile.
accounts:
  # A paper account: the embedded paper broker fills its orders against the market.
  - id: SIM-50K
    broker: paper
    # Rule profile: a bundled id (apex-50k-evaluation, topstep-50k-combine) or a path to a YAML profile.
    profile: apex-50k-evaluation
    # auto: orders go out; confirm: a person confirms each (enigma confirm); signals-only: no orders.
    mode: auto
    startingBalance: 50000
    # Sizing defaults of the kelly steps: quarter Kelly, at most $300 lost at the stop per trade.
    sizing: { kellyFraction: 0.25, riskBudget: 300 }
    # The pipelines whose signals it trades (pipeline ids; default every pipeline) and the
    # instruments it may trade (roots or full symbols; default what the profile allows).
    pipelines: [default]
    instruments: [ES, NQ, CL]

  # A NinjaTrader account (uncomment it and the gateway below): orders go to the AddOn session that
  # declares this account. Apex forbids fully automated trading, so a person confirms each order.
  #- id: APEX-12345
  #  broker: ninjatrader
  #  profile: apex-50k-evaluation
  #  mode: confirm
  #  sizing: { kellyFraction: 0.2, riskBudget: 250 }
  #  pipelines: [default]
  #  instruments: [ES, MES, NQ, MNQ]

# The NinjaTrader gateway the AddOn connects to. The token is never written here: the engine reads
# it from the environment variable tokenEnv names (export ENIGMA_TOKEN=$(openssl rand -hex 32)) or
# from a file named by tokenFile; at least 16 characters.
#gateway:
#  listen: 127.0.0.1:8686
#  tokenEnv: ENIGMA_TOKEN

# Where halts, proposals and the pipelines' files go, and the DuckDB history (a file, or off).
dataDir: data
store: data/enigma.duckdb

# What \`enigma run\` runs when no pipeline is named.
pipelines: [${paths.pipeline}]
`;
}
