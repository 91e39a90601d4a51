using System.Threading;

namespace EnigmaApex.Client
{
    /// <summary>Counters of an <see cref="EnigmaClient"/>, safe to read from any thread (e.g. the Control Center window).</summary>
    public sealed class ClientStatistics
    {
        internal long _messagesSent;
        internal long _framesSent;
        internal long _messagesReceived;
        internal long _duplicatesDropped;
        internal long _gaps;
        internal long _connections;
        internal long _engineErrors;
        internal long _decodeErrors;
        internal long _handlerErrors;
        internal long _roundTripMicros = -1;
        internal long _ackLatencyMicros = -1;

        /// <summary>Sequenced messages written to the socket, resends included.</summary>
        public long MessagesSent { get { return Interlocked.Read(ref _messagesSent); } }
        /// <summary>WebSocket frames written (a batch is one frame).</summary>
        public long FramesSent { get { return Interlocked.Read(ref _framesSent); } }
        /// <summary>Engine messages received, control messages included.</summary>
        public long MessagesReceived { get { return Interlocked.Read(ref _messagesReceived); } }
        /// <summary>Sequenced engine messages dropped because their seq was already handled.</summary>
        public long DuplicatesDropped { get { return Interlocked.Read(ref _duplicatesDropped); } }
        /// <summary>Times the engine's seq skipped ahead (messages the engine declared lost).</summary>
        public long Gaps { get { return Interlocked.Read(ref _gaps); } }
        /// <summary>Connections that reached <c>welcome</c>.</summary>
        public long Connections { get { return Interlocked.Read(ref _connections); } }
        /// <summary><c>error</c> messages received.</summary>
        public long EngineErrors { get { return Interlocked.Read(ref _engineErrors); } }
        /// <summary>Engine messages that could not be decoded (skipped).</summary>
        public long DecodeErrors { get { return Interlocked.Read(ref _decodeErrors); } }
        /// <summary>Exceptions thrown by <see cref="EnigmaClient.MessageReceived"/> handlers.</summary>
        public long HandlerErrors { get { return Interlocked.Read(ref _handlerErrors); } }
        /// <summary>Last ping → pong round trip in microseconds, or -1.</summary>
        public long RoundTripMicros { get { return Interlocked.Read(ref _roundTripMicros); } }
        /// <summary>Last first-send → ack time of an acknowledged message, in microseconds, or -1.</summary>
        public long AckLatencyMicros { get { return Interlocked.Read(ref _ackLatencyMicros); } }
    }
}
