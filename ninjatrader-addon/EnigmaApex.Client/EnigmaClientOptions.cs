using System;
using System.Collections.Generic;
using EnigmaApex.Client.Transport;

namespace EnigmaApex.Client
{
    /// <summary>Settings of an <see cref="EnigmaClient"/>; defaults follow docs/protocol.md.</summary>
    public sealed class EnigmaClientOptions
    {
        public EnigmaClientOptions()
        {
            ClientName = "EnigmaApexAddOn";
            ClientVersion = EnigmaClient.Version;
            Accounts = new List<string>();
            BufferCapacity = 200000;
            InitialBackoff = TimeSpan.FromMilliseconds(250);
            MaxBackoff = TimeSpan.FromSeconds(30);
            BackoffJitter = 0.2;
            BackoffResetAfter = TimeSpan.FromSeconds(60);
            AuthFailureRetryDelay = TimeSpan.FromSeconds(60);
            ConnectTimeout = TimeSpan.FromSeconds(10);
            WelcomeTimeout = TimeSpan.FromSeconds(10);
            AckInterval = TimeSpan.FromMilliseconds(200);
            AckEvery = 100;
            MaxBatchMessages = 1000;
            MaxFrameBytes = 262144;
            TransportFactory = () => new ClientWebSocketTransport();
        }

        /// <summary>The engine's stream endpoint, e.g. <c>ws://127.0.0.1:8686/v1/stream</c>. May be changed between connections.</summary>
        public Uri Endpoint { get; set; }

        /// <summary>Bearer token (the engine's ENIGMA_TOKEN).</summary>
        public string Token { get; set; }

        /// <summary>Sent in <c>hello.client.name</c>.</summary>
        public string ClientName { get; set; }

        /// <summary>Sent in <c>hello.client.version</c>.</summary>
        public string ClientVersion { get; set; }

        /// <summary>NinjaTrader accounts this client trades (<c>hello.accounts</c>).</summary>
        public IList<string> Accounts { get; set; }

        /// <summary>Most unacknowledged outbound messages kept (protocol: at least 100,000).</summary>
        public int BufferCapacity { get; set; }

        /// <summary>First reconnect delay.</summary>
        public TimeSpan InitialBackoff { get; set; }

        /// <summary>Largest reconnect delay.</summary>
        public TimeSpan MaxBackoff { get; set; }

        /// <summary>Relative random spread of each delay (0.2 = ±20 %).</summary>
        public double BackoffJitter { get; set; }

        /// <summary>A connection that lasted this long resets the backoff.</summary>
        public TimeSpan BackoffResetAfter { get; set; }

        /// <summary>Smallest wait after the engine refused the token (HTTP 401).</summary>
        public TimeSpan AuthFailureRetryDelay { get; set; }

        /// <summary>Time allowed for the TCP and WebSocket handshake.</summary>
        public TimeSpan ConnectTimeout { get; set; }

        /// <summary>Time allowed between <c>hello</c> and <c>welcome</c>.</summary>
        public TimeSpan WelcomeTimeout { get; set; }

        /// <summary>Longest delay before acknowledging handled engine messages.</summary>
        public TimeSpan AckInterval { get; set; }

        /// <summary>Acknowledge at least every this many handled engine messages.</summary>
        public int AckEvery { get; set; }

        /// <summary>Most messages grouped into one batch frame.</summary>
        public int MaxBatchMessages { get; set; }

        /// <summary>Largest frame sent until <c>welcome.max_payload</c> says otherwise.</summary>
        public int MaxFrameBytes { get; set; }

        /// <summary>Overrides <c>welcome.heartbeat_ms</c> when set (ping interval; 3× is the dead-engine timeout).</summary>
        public TimeSpan? HeartbeatOverride { get; set; }

        /// <summary>Creates the transport for each connection.</summary>
        public Func<IWebSocketTransport> TransportFactory { get; set; }

        /// <summary>Randomness for the backoff jitter (seed it in tests).</summary>
        public Random Random { get; set; }
    }
}
