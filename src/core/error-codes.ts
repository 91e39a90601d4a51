/**
 * Every error code the engine can report, with what it means. The README's error table is
 * generated from this list, so a code that is not here does not exist. Add new codes in the
 * section of their area.
 */
export const ERROR_CODES = {
  // Pipeline definitions (reported by `enigma validate` and at start-up, all at once).
  PIPELINE_FILE_UNREADABLE: 'The pipeline file cannot be read.',
  PIPELINE_YAML_SYNTAX: 'The pipeline file is not valid YAML.',
  PIPELINE_INVALID_DEFINITION:
    'The pipeline does not have the shape { id, steps: [{ id, op, from, params }] }.',
  PIPELINE_INVALID_STEP_ID:
    'A step id is empty, has a dot or characters other than letters, digits, - and _.',
  PIPELINE_DUPLICATE_STEP: 'Two steps have the same id.',
  PIPELINE_UNKNOWN_OPERATOR: 'A step names an operator that is not in the registry.',
  PIPELINE_UNKNOWN_STEP: "A step's `from` names a step that does not exist.",
  PIPELINE_BAD_INPUTS:
    'A step has the wrong number of inputs for its operator (a source with `from`, a transform without).',
  PIPELINE_CYCLE: 'Steps feed each other in a loop.',
  PIPELINE_BAD_PARAMS: "A step's params have a wrong type, a value out of range, or an unknown name.",
  PIPELINE_BAD_EXPRESSION: 'An expression does not parse or names a field its input does not have.',
  PIPELINE_TYPE_MISMATCH: 'A step reads a kind of message its operator does not accept.',
  PIPELINE_NO_SOURCE: 'The pipeline has no source step, so nothing would flow.',
  PIPELINE_MODULE_FAILED:
    'A user operator module named in the pipeline cannot be loaded or exports no operators.',
  PIPELINE_DUPLICATE_OPERATOR: 'An operator is registered twice under the same name.',
  PIPELINE_NO_FEATURE_ENGINE:
    'The pipeline has feature steps but no feature engine was given to the runtime.',
  // Pipelines started, stopped and reloaded in a running engine (the API's /pipelines routes).
  PIPELINE_PATH_REFUSED:
    "A pipeline file to start is outside the engine's pipeline folders (its `pipelines/` folder and the folders of the pipelines it started with): a client may not run arbitrary files (400).",
  PIPELINE_ID_MISMATCH:
    'A reload names a file whose pipeline id differs from the one reloaded: a reload keeps the id (400).',
  PIPELINE_NOT_FOUND: 'No pipeline with that id runs, or ran, in this engine (404).',
  PIPELINE_ALREADY_RUNNING: 'A pipeline with that id is running already: stop it or reload it (409).',
  PIPELINE_ALREADY_STOPPED:
    'The pipeline is stopped already (start it again from its file), or the engine is stopping (409).',
  PIPELINE_START_FAILED:
    "A pipeline compiled but a step failed as it was created (a sink's file cannot be opened); on a reload the previous definition runs again (500).",

  // Running steps (each lands in the dead-letter stream with the message; the pipeline keeps running).
  STEP_FAILED: 'A step threw while processing a message.',
  SINK_FAILED: 'A sink could not write a message.',
  SOURCE_FAILED: 'A source stopped with an error (file missing, connection lost); the pipeline ends.',

  // Edges: input files (rows are rejected one by one, the rest goes on).
  INPUT_BAD_ROW: 'A row of an input file has the wrong number of fields or an unparsable value.',
  INPUT_NOT_FINITE: 'A number in the input is NaN or infinite.',
  INPUT_NEGATIVE_SIZE: 'A size or quantity in the input is negative (or zero where a trade needs one).',
  INPUT_TIME_BACKWARDS: 'A message is older than the previous one for the same instrument.',
  INPUT_UNKNOWN_SYMBOL: 'A message names an instrument whose contract is not known.',
  INPUT_BAD_HEADER: 'An input file does not start with the expected header.',
  INPUT_TIME_OUT_OF_RANGE:
    'A timestamp is outside 1980–2100 as epoch microseconds (the reason names the likely unit: seconds, milliseconds or nanoseconds); a file whose first row is so ends with this error.',

  // Risk: rule profiles, halts and commands (order denials are events with their own codes, not errors).
  RISK_PROFILE_UNREADABLE: 'A rule profile file cannot be read.',
  RISK_PROFILE_INVALID:
    'A rule profile is not valid YAML or breaks the profile schema (each problem is listed).',
  RISK_UNKNOWN_PROFILE: 'An account names a rule profile that is not bundled and is not a readable file.',
  RISK_UNKNOWN_ACCOUNT: 'A command names an account the risk engine does not manage.',
  RISK_UNKNOWN_PROPOSAL: 'A confirm or reject names a proposal that does not exist or has expired.',
  RISK_HALT_FILE_INVALID:
    'The persisted halt file cannot be parsed; every account is treated as halted until a person resumes.',
  // Risk alerts (published on the alerts topic with the account).
  RISK_BREACH:
    'A rule failed the account (trailing threshold touched): it is flattened and HALTED until a person resumes.',
  RISK_STATE_NOT_SAVED:
    'The halt file or the accounts’ rule state cannot be written (a full or read-only disk): the engine keeps it in memory and goes on; a restart meanwhile would not see it.',
  RISK_KILL_SWITCH: 'The kill switch halted an account: every order cancelled, every position closed.',
  RISK_ORDER_WHILE_FLAT:
    'An order started working on a flat account that must stay flat (after its flat-by time, a hard daily loss or a halt): the engine cancelled it.',
  RISK_RESUMED: 'A person lifted a halt; a breached account restarts its rules from the current balance.',
  RISK_PROPOSAL_REJECTED: 'A person rejected an order proposal (automation mode confirm).',
  RISK_AUTOMATION_NOT_ALLOWED:
    'An account runs in auto mode although its profile says the firm forbids fully automated trading.',
  RISK_RECONCILIATION_RESOLVED:
    'A person cleared a broker reconciliation mismatch; the account leaves REDUCING.',

  // Execution: order manager and brokers.
  EXECUTION_UNKNOWN_ORDER: 'A cancel or replace names a client order id the order manager does not know.',
  EXECUTION_ORDER_NOT_WORKING:
    'A cancel or replace names an order that is already filled, cancelled, rejected or expired.',
  EXECUTION_UNKNOWN_INSTRUMENT: 'An order names an instrument whose contract is not known to the broker.',
  EXECUTION_REQUEST_REFUSED:
    'A broker refused a cancel or replace (the order had already filled, say); the order is unchanged.',
  EXECUTION_INVALID_TRANSITION:
    'A broker reported an order status the order state machine does not allow from the current one; ignored.',
  EXECUTION_RECONCILIATION_MISMATCH:
    "On (re)connect the broker's positions or working orders differ from the engine's: the broker's are adopted and the account is REDUCING until resolved.",
  EXECUTION_RECONCILED: "On (re)connect the broker's positions and working orders match the engine's.",
  EXECUTION_BROKER_DISCONNECTED:
    "An account's broker link is down (its NinjaTrader AddOn is not connected): its intents are denied with BROKER_DISCONNECTED.",
  EXECUTION_BROKER_CONNECTED:
    "An account's broker link is up again and its snapshot reconciled: intents for it are traded again.",
  EXECUTION_ALREADY_SENT:
    'An order id is in the data directory’s journal of orders sent to NinjaTrader (before a restart): it is not sent again.',
  EXECUTION_EXTERNAL_ORDER:
    'NinjaTrader reported an order the engine did not place (a manual order): it is tracked, not managed.',
  EXECUTION_FLAT_CONFIRMED:
    "After a flatten (kill switch, breach, forced flat) the broker's own reports show the account flat: no position, no working order.",
  EXECUTION_JOURNAL_FAILED:
    'The journal of orders sent to NinjaTrader cannot be written: the order is rejected rather than sent unrecorded.',

  // Kernels (feature engines and their WebAssembly module).
  KERNEL_BAD_SPEC:
    'A feature spec names an unknown kernel, mixes bar and tick inputs, or has a param out of range.',
  KERNEL_NOT_FINITE:
    'A value given to a kernel is NaN or infinite; it is rejected before it can enter any state.',
  KERNEL_WASM_UNAVAILABLE:
    'The WebAssembly kernels cannot be loaded (missing build/enigma.wasm or no WebAssembly); run `npm run build:wasm` or use --no-wasm.',
  KERNEL_BAD_SLOT: 'An update names an instrument slot the kernel never allocated.',

  // Gateway (the NinjaTrader link, docs/protocol.md): sent in `error` frames, close reasons and dead letters.
  GATEWAY_AUTH_FAILED: 'The WebSocket upgrade had no valid bearer token (HTTP 401, no frame sent).',
  GATEWAY_ORIGIN_REFUSED: "A browser's Origin is not in the gateway's allow-list (HTTP 403).",
  GATEWAY_NOT_FOUND: 'The upgrade asked for a path other than /v1/stream (HTTP 404).',
  GATEWAY_UNAVAILABLE: 'The gateway is shutting down or at its connection limit (HTTP 503).',
  GATEWAY_NO_TOKEN:
    'The gateway cannot start: the token variable or file the configuration names (tokenEnv, tokenFile) is unset or unreadable, or a gateway started in code has neither a token nor a token registry.',
  GATEWAY_WEAK_TOKEN: 'The gateway cannot start: the token is blank or shorter than 16 characters.',
  GATEWAY_SUBPROTOCOL_REFUSED:
    'The upgrade offered WebSocket subprotocols, none of them enigma-apex.v1 (HTTP 400).',
  GATEWAY_AUTH_THROTTLED:
    'Too many failed authentications from one address: its upgrades are refused for a while (HTTP 429).',
  GATEWAY_NOT_JSON: 'A frame is not valid JSON, or not an object or array of objects.',
  GATEWAY_NOT_FINITE: 'A number in a message is NaN or infinite.',
  GATEWAY_UNKNOWN_TYPE: 'A message has no type, or one protocol v1 does not define for that direction.',
  GATEWAY_SCHEMA_VIOLATION: 'A message field is missing, of the wrong type, out of range or unknown.',
  GATEWAY_NEGATIVE_SIZE: 'A size, quantity or volume is negative (or an order quantity is zero).',
  GATEWAY_UNKNOWN_SYMBOL: 'A message names an instrument whose contract is not known.',
  GATEWAY_TIME_BACKWARDS:
    'A tick or bar is older than the previous one of the same instrument from the same session.',
  GATEWAY_TIME_IMPLAUSIBLE:
    "A tick or bar's time is more than 60 s ahead of the engine's clock, or before 1980; nothing moves.",
  GATEWAY_PRICE_BAND:
    'A tick or bar price is further than the band (3 %, at least 20 ticks) from the last accepted price of its instrument from that session.',
  GATEWAY_SEQ_BACKWARDS: "A message's seq is not greater than the previous seq on the connection.",
  GATEWAY_SEQ_GAP:
    'A message skipped ahead in seq; the missing ones are declared lost and a snapshot is requested.',
  GATEWAY_EMPTY_BATCH: 'A batch frame is an empty array.',
  GATEWAY_HELLO_REQUIRED:
    'A client sent something other than hello first, a second hello, or no hello in time (close 4000).',
  GATEWAY_UNSUPPORTED_PROTOCOL:
    'A client asked for a protocol version the gateway does not speak (close 4001).',
  GATEWAY_SESSION_REPLACED: 'Another connection resumed this session (close 4002).',
  GATEWAY_FLOOD: 'A client sent too many refused messages in one second (close 4003).',
  GATEWAY_SLOW_CONSUMER: 'A client left too much engine data unread (close 4004).',
  GATEWAY_BINARY_FRAME: 'A client sent a binary frame; protocol v1 is text only (close 1003).',
  GATEWAY_SHUTTING_DOWN: 'The engine is stopping; clients reconnect and resume (close 1001).',
  GATEWAY_NO_SESSION: 'A command names an account that no NinjaTrader session trades.',
  GATEWAY_DUPLICATE_ORDER: 'An order intent reuses a client order id already sent; it is not sent again.',
  GATEWAY_ACCOUNT_NOT_OWNED:
    'A client message (account, position, order_update, execution, snapshot, kill) names an account that its session did not declare in hello or that the engine does not trade through NinjaTrader.',
  GATEWAY_DUPLICATE_FILL:
    'An execution repeats a fill_id already applied (under another seq): it is kept in rejects and changes nothing.',
  GATEWAY_UNKNOWN_PROPOSAL:
    'A proposal_decision names a proposal that was not sent to this session (or is no longer open).',
  GATEWAY_CLIENT_CLOSED:
    'The Node gateway client was closed or refused for good (auth, protocol, replaced session).',
  GATEWAY_UNREACHABLE:
    'The Node gateway client (`enigma feed`) could not reach the engine on its first connection: refused, unreachable or no answer in time.',

  // Storage (DuckDB store, analytics, reports, replay from history).
  STORE_OPEN_FAILED:
    'The database file cannot be opened or created (path, permissions, another process holds it).',
  STORE_MIGRATION_FAILED: 'A schema migration failed; the database is left at its previous version.',
  STORE_COMMIT_FAILED:
    "A batch could not be committed and will not be retried (the store's writer thread stopped, or a shutdown gave up on it); its rows are not stored.",
  STORE_UNAVAILABLE:
    'The store cannot write (no space left on the device, a read-only file system): it keeps the rows it holds and retries, nothing new is acknowledged as stored until it writes again, and a shutdown meanwhile ends with the rows it could not store.',
  STORE_INVALID_ROW:
    'A message has a value the store cannot keep (not an integer time, a non-finite number); it goes to `rejects`.',
  STORE_BACKPRESSURE:
    'Rows waiting for a commit passed the high-water mark; producers should pause until it drains.',
  STORE_CLOSED: 'A write or query reached the store after it was closed.',
  STORE_NOT_CONFIGURED: 'A `store` sink or `duckdbReplay` source ran without a store in the run context.',
  STORE_QUERY_FAILED: 'An analytics, report, export or replay query failed.',
  REPORT_NO_STARTING_BALANCE:
    'A report has trades (or fills before its period) of an account with no stored account state, so no starting balance to measure returns on: pass --capital.',

  // Engine configuration (enigma.yaml, reported by `enigma validate` and at start-up, all at once).
  CONFIG_INVALID:
    'The engine configuration cannot be read, breaks its schema or its rules (each problem with file, line and path).',

  // Command line.
  CLI_USAGE: 'The command line is wrong; `enigma --help` shows the usage.',
  CLI_DATA_DIR_LOCKED:
    'Another running engine holds the data directory (its pid is named); one data directory serves one engine.',
  CLI_NO_API_TOKEN:
    'An engine runs on the data directory, so `enigma kill`, `resume`, `confirm`, `reject` and `proposals` go through its API, and no token was given (ENIGMA_API_TOKEN or --token-file); nothing was changed. `--local` writes the files instead.',
  CLI_TOKEN_FILE_UNREADABLE: 'The file named by --token-file cannot be read or is empty.',
  CLI_ENGINE_UNREACHABLE:
    'The engine named in `<data-dir>/engine.json` answered its health check but not the API call (it stopped in between?); the command did not reach it.',

  // Alerts and notifications (enigma.yaml `alerts:`, `enigma alerts test`).
  ALERT_SECRET_MISSING:
    "An alert channel's secret (signing key, bot token, secret URL, ntfy topic) is not in the environment variable or file its configuration names, or is blank.",
  ALERT_DELIVERY_FAILED:
    'An alert could not be delivered to a channel after its last try (network, timeout, an answer other than 2xx); it is kept as a dead letter in `rejects`.',
  ALERT_UNKNOWN_CHANNEL: '`enigma alerts test --channel` names a channel the configuration does not have.',
  ALERT_NOT_CONFIGURED: '`enigma alerts test` found no `alerts` section in the configuration.',
  ALERT_STATE_CHANGE: 'Alert rule: an account changed trading state (ACTIVE, REDUCING, HALTED).',
  ALERT_DRAWDOWN_ROOM:
    "Alert rule: an account's room above its trailing drawdown threshold fell below the rule's level.",
  ALERT_DAILY_LOSS: "Alert rule: an account's room under its daily loss limit fell below the rule's level.",
  ALERT_ADDON_DISCONNECTED: 'Alert rule: a NinjaTrader AddOn session disconnected.',
  ALERT_REJECT_BURST:
    'Alert rule: an account had the rule’s number of denied or rejected orders within its window.',
  ALERT_FILL: 'Alert rule: an order filled.',
  ALERT_PNL_MILESTONE:
    "Alert rule: an account's P&L for the day crossed a milestone (a multiple of the rule's step).",
  ALERT_SLO_BREACH:
    "Alert rule (slo): a pipeline's or step's p99 latency, the store's backlog or commit p99, dead letters per minute or the event-loop delay stayed above the rule's threshold for its `for`.",
  ALERT_SLO_CLEARED: 'Alert rule (slo): the figure of an earlier breach is back at or below its threshold.',
  ALERT_ENGINE_SILENT:
    'Alert rule (engine-silent): a pipeline source emitted no market data for the rule’s `for` (within its session, when it names one).',
  ALERT_ENGINE_SILENT_CLEARED: 'Alert rule (engine-silent): a source that was silent emits data again.',
  ALERT_THROTTLED:
    'A channel passed its alerts-per-minute limit: the alerts held back are counted in this summary.',
  ALERT_TEST: 'A test notification sent by `enigma alerts test`.',
  // The engine's HTTP API (/api/v1): routes.
  API_INVALID_REQUEST:
    'An API request breaks its schema (path, query or body; unknown fields included); every problem is listed with its path.',
  API_BODY_TOO_LARGE: 'An API request body is over the limit (16 KiB); it is refused unread.',
  // Control-plane auth (tokens, roles, the API's refusals).
  API_UNAUTHORIZED:
    'An API request (or gateway upgrade) has no bearer token, a malformed one, or one the token registry does not know (HTTP 401 with `WWW-Authenticate: Bearer`).',
  API_FORBIDDEN:
    "A valid token whose role may not do this (HTTP 403): a viewer's token on a trader's route, a person's token on the AddOn gateway, the AddOn's token on the API.",
  API_NOT_FOUND: 'No such API route, or no such account, order or pending proposal (404).',
  API_NO_TRADING: 'An API command needs trading, and the engine runs without it (503).',
  API_NO_STORE: 'An API read needs the history, and the engine keeps none (run it with --store) (503).',
  API_BUSY:
    "An HTML report is being rendered already (429): one at a time, so that reports never take the store's threads from its commits; ask again when it is done.",
  API_INTERNAL: 'The engine failed while answering an API request (500); the message says why.',
  // The dashboard (served at / when the engine listens).
  DASHBOARD_NOT_BUILT:
    'The engine listens but the dashboard bundle (`build/dashboard/`) is missing: `/` answers 503 until `npm run build` builds it.',
  // The engine's log file (said once on the terminal; the engine goes on without its file).
  LOG_FILE_FAILED:
    'The log file `<data-dir>/logs/engine.log` cannot be written or rotated (a full or read-only disk): the engine goes on, printing to the terminal only.',
  API_AUTH_THROTTLED:
    'Too many failed authentications from this address (the API and the gateway share the limit): refused with HTTP 429 and `Retry-After`, whatever token it sends, until its allowance returns.',
  API_CORS_REFUSED:
    'A browser preflight (OPTIONS) from another origin: cross-origin calls are closed, so it is refused with HTTP 403 and no Access-Control-Allow-* header.',
  API_TOKEN_ROLE_UNKNOWN: 'A token role other than viewer, trader, admin or addon.',
  API_TOKEN_NAME_INVALID:
    'A token name that is empty, longer than 64 characters, or has characters other than letters, digits, `.`, `_` and `-`.',
  API_TOKEN_NAME_TAKEN: 'A token with that name exists already: revoke it first, or choose another name.',
  API_TOKEN_NOT_FOUND: 'No token has that name (`enigma token list` shows them).',
  API_TOKEN_FILE_INVALID:
    'The token registry (`<data-dir>/tokens.json`) cannot be read, is not JSON, or breaks its shape; it is left as it is.',
  API_NO_DATA_DIR:
    'The data directory named for the token registry does not exist (create it, or run `enigma run` once).',
  // Live stream (/api/v1/stream, docs/api-stream.md): refusals of the upgrade, error messages, close codes.
  STREAM_TOKEN_IN_URL:
    'The stream upgrade carried a token in its URL, where logs and history would keep it (HTTP 400): send it in the first message or an Authorization header.',
  STREAM_AUTH_THROTTLED:
    'Too many failed authentications from this address: its stream upgrades are refused for a while (HTTP 429, Retry-After).',
  STREAM_ORIGIN_REFUSED:
    "A browser page of another origin tried to open the stream (HTTP 403): only the engine's own origin and `allowedOrigins` may.",
  STREAM_UNAVAILABLE: 'The stream is shutting down or at its connection limit (HTTP 503).',
  STREAM_AUTH_FAILED:
    'The token is missing, unknown or revoked, or the first message was not `auth` (HTTP 401 on the upgrade, or close 4401).',
  STREAM_FORBIDDEN:
    "The token's role cannot read the stream: it needs viewer or above (HTTP 403, or close 4403).",
  STREAM_AUTH_TIMEOUT: 'No `auth` message arrived within the time allowed after connecting (close 4408).',
  STREAM_BAD_MESSAGE:
    'A client message is not JSON, has no known `type`, or lacks a field it needs (an error message; the connection stays).',
  STREAM_UNKNOWN_TOPIC:
    'A subscription names a topic that does not exist; the error lists the valid ones and nothing was subscribed.',
  STREAM_TOO_MANY_TOPICS:
    'A subscription would hold more topics than one connection may; nothing was subscribed.',
  STREAM_SNAPSHOT_FAILED:
    "A topic's snapshot could not be read on subscribe; the subscription stands and updates follow.",
  STREAM_FLOOD: 'The client sent more messages a second than allowed (close 4429).',
  STREAM_SLOW_CONSUMER:
    "The client's socket held more unsent bytes than allowed for too long: updates were coalesced, then the connection closed (close 4504).",
  STREAM_SHUTTING_DOWN: 'The engine is stopping: every stream client is closed (close 1001).',
  STREAM_INTERNAL_ERROR:
    "The engine failed while handling a client's message (a bug): that client alone is closed (close 1011); the engine goes on.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
