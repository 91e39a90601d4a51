using System;
using System.Threading;
using System.Threading.Tasks;

namespace EnigmaApex.Client.Transport
{
    /// <summary>
    /// One WebSocket connection carrying whole UTF-8 text messages. Implementations need not be
    /// safe for concurrent sends: the client calls <see cref="SendTextAsync"/> only from its single
    /// send loop, and <see cref="ReceiveTextAsync"/> only from its single receive loop.
    /// </summary>
    public interface IWebSocketTransport : IDisposable
    {
        /// <summary>Opens the connection, presenting <c>Authorization: Bearer token</c>.</summary>
        Task ConnectAsync(Uri uri, string token, CancellationToken cancellation);

        /// <summary>Sends one complete text message.</summary>
        Task SendTextAsync(ArraySegment<byte> utf8, CancellationToken cancellation);

        /// <summary>Receives one complete text message (all fragments until EndOfMessage), or null when the peer closed.</summary>
        Task<string> ReceiveTextAsync(CancellationToken cancellation);

        /// <summary>Starts the closing handshake (sends a close frame; the receive loop sees the peer's close).</summary>
        Task CloseOutputAsync(int code, string reason, CancellationToken cancellation);

        /// <summary>Drops the connection at once; pending operations fail.</summary>
        void Abort();

        /// <summary>The close code the peer sent, if it closed.</summary>
        int? CloseStatus { get; }

        /// <summary>The close reason the peer sent, if it closed.</summary>
        string CloseDescription { get; }
    }
}
