using System;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EnigmaApex.Client.Transport
{
    /// <summary>
    /// <see cref="IWebSocketTransport"/> over <see cref="ClientWebSocket"/> (System.dll on .NET
    /// Framework 4.8, so nothing extra ships with the AddOn). Fragmented messages are reassembled
    /// until EndOfMessage; a message larger than <see cref="MaxMessageBytes"/> aborts the connection.
    /// </summary>
    public sealed class ClientWebSocketTransport : IWebSocketTransport
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);
        private readonly ClientWebSocket _socket = new ClientWebSocket();
        private readonly byte[] _receiveBuffer = new byte[64 * 1024];
        private readonly MemoryStream _assembly = new MemoryStream();

        /// <summary>Creates an unconnected transport.</summary>
        public ClientWebSocketTransport(int maxMessageBytes = 16 * 1024 * 1024)
        {
            MaxMessageBytes = maxMessageBytes;
            // ClientWebSocket answers the engine's pings by itself but hides them, so liveness is
            // the protocol's ping/pong messages (EnigmaClient's watchdog); the stack's own
            // keep-alive frames are cheap and kept at 15 s.
            _socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        }

        /// <summary>Largest inbound message accepted.</summary>
        public int MaxMessageBytes { get; private set; }

        /// <inheritdoc />
        public int? CloseStatus
        {
            get { var s = _socket.CloseStatus; return s.HasValue ? (int?)(int)s.Value : null; }
        }

        /// <inheritdoc />
        public string CloseDescription { get { return _socket.CloseStatusDescription; } }

        /// <inheritdoc />
        public Task ConnectAsync(Uri uri, string token, CancellationToken cancellation)
        {
            if (!string.IsNullOrEmpty(token)) _socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            return _socket.ConnectAsync(uri, cancellation);
        }

        /// <inheritdoc />
        public Task SendTextAsync(ArraySegment<byte> utf8, CancellationToken cancellation)
        {
            return _socket.SendAsync(utf8, WebSocketMessageType.Text, true, cancellation);
        }

        /// <inheritdoc />
        public async Task<string> ReceiveTextAsync(CancellationToken cancellation)
        {
            _assembly.SetLength(0);
            while (true)
            {
                WebSocketReceiveResult result = await _socket
                    .ReceiveAsync(new ArraySegment<byte>(_receiveBuffer), cancellation)
                    .ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                if (result.MessageType == WebSocketMessageType.Binary)
                    throw new InvalidDataException("The engine sent a binary frame; protocol v1 uses text frames only.");
                if (_assembly.Length + result.Count > MaxMessageBytes)
                    throw new InvalidDataException("Inbound message larger than " + MaxMessageBytes + " bytes.");
                _assembly.Write(_receiveBuffer, 0, result.Count);
                if (result.EndOfMessage) break;
            }
            return Utf8.GetString(_assembly.GetBuffer(), 0, (int)_assembly.Length);
        }

        /// <inheritdoc />
        public Task CloseOutputAsync(int code, string reason, CancellationToken cancellation)
        {
            var state = _socket.State;
            if (state != WebSocketState.Open && state != WebSocketState.CloseReceived) return Task.FromResult(0);
            return _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellation);
        }

        /// <inheritdoc />
        public void Abort() { _socket.Abort(); }

        /// <inheritdoc />
        public void Dispose()
        {
            _socket.Dispose();
            _assembly.Dispose();
        }
    }
}
