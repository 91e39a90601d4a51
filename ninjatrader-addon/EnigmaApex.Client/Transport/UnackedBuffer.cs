using System;
using System.Collections.Generic;

namespace EnigmaApex.Client.Transport
{
    /// <summary>One outbound message with its sequence number, already encoded as JSON.</summary>
    public struct SequencedMessage
    {
        /// <summary>The client sequence number (per session, from 1).</summary>
        public readonly long Seq;
        /// <summary>The complete encoded message.</summary>
        public readonly string Json;
        /// <summary>Monotonic timestamp (Stopwatch ticks) of the first send, 0 until sent.</summary>
        internal long FirstSentTicks;

        /// <summary>Creates an entry.</summary>
        public SequencedMessage(long seq, string json)
        {
            Seq = seq;
            Json = json;
            FirstSentTicks = 0;
        }
    }

    /// <summary>
    /// The client's outbound log: every sequenced message from the moment it is accepted until the
    /// engine acknowledges it as durably stored. Sequence numbers are contiguous, so the log is a
    /// ring indexed by <c>seq - FirstSeq</c>. The send loop reads from a cursor; an ack drops the
    /// head; after a reconnect the cursor moves back to the first unacknowledged message, so
    /// every message is sent again in order, and none twice within one connection.
    /// Thread-safe: producers append while the send loop reads and the receive loop acknowledges.
    /// </summary>
    public sealed class UnackedBuffer
    {
        private readonly object _gate = new object();
        private readonly int _capacity;
        private SequencedMessage[] _ring;
        private int _head;      // ring index of FirstSeq
        private int _count;
        private long _firstSeq = 1; // seq of the oldest unacknowledged entry (or next to assign when empty)
        private long _acked;        // highest acknowledged seq

        /// <summary>Creates a buffer holding at most <paramref name="capacity"/> unacknowledged messages.</summary>
        public UnackedBuffer(int capacity)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException("capacity");
            _capacity = capacity;
            _ring = new SequencedMessage[Math.Min(capacity, 1024)];
        }

        /// <summary>Maximum number of unacknowledged messages held.</summary>
        public int Capacity { get { return _capacity; } }

        /// <summary>Number of messages not yet acknowledged.</summary>
        public int Count { get { lock (_gate) return _count; } }

        /// <summary>True when no further message can be appended until the engine acknowledges.</summary>
        public bool IsFull { get { lock (_gate) return _count >= _capacity; } }

        /// <summary>The highest sequence number assigned so far (0 before the first).</summary>
        public long LastSeq { get { lock (_gate) return _firstSeq + _count - 1; } }

        /// <summary>The highest sequence number the engine acknowledged.</summary>
        public long AckedSeq { get { lock (_gate) return _acked; } }

        /// <summary>
        /// Assigns the next sequence number, encodes the message with it and appends it, atomically,
        /// so sequence order is append order. Returns the sequence number, or 0 when the buffer is
        /// full (nothing is assigned or appended then).
        /// </summary>
        public long Append(Func<long, string> encode)
        {
            if (encode == null) throw new ArgumentNullException("encode");
            lock (_gate)
            {
                if (_count >= _capacity) return 0;
                long seq = _firstSeq + _count;
                string json = encode(seq);
                if (_count == _ring.Length) Grow();
                _ring[(_head + _count) % _ring.Length] = new SequencedMessage(seq, json);
                _count++;
                return seq;
            }
        }

        /// <summary>
        /// Drops every message with a sequence number up to and including <paramref name="seq"/>.
        /// Acks that go backwards or repeat are ignored; an ack beyond the last assigned number is
        /// clamped (the engine cannot have stored what was never sent). Returns how many were dropped.
        /// </summary>
        public int Acknowledge(long seq)
        {
            return Acknowledge(seq, out _);
        }

        /// <summary>As <see cref="Acknowledge(long)"/>, also giving the first-send time of the newest acknowledged message (0 if unknown).</summary>
        public int Acknowledge(long seq, out long newestSentTicks)
        {
            newestSentTicks = 0;
            lock (_gate)
            {
                long last = _firstSeq + _count - 1;
                if (seq > last) seq = last;
                if (seq <= _acked || seq < _firstSeq) return 0;
                int n = (int)(seq - _firstSeq + 1);
                newestSentTicks = _ring[(_head + n - 1) % _ring.Length].FirstSentTicks;
                for (int i = 0; i < n; i++) _ring[(_head + i) % _ring.Length] = default(SequencedMessage);
                _head = (_head + n) % _ring.Length;
                _count -= n;
                _firstSeq += n;
                _acked = seq;
                return n;
            }
        }

        /// <summary>
        /// Copies up to <paramref name="max"/> messages with sequence numbers from
        /// <paramref name="fromSeq"/> on into <paramref name="into"/>, in order, marking them as sent
        /// at <paramref name="nowTicks"/> if they were never sent. Messages already acknowledged are
        /// skipped. Returns the next sequence number to read.
        /// </summary>
        public long Read(long fromSeq, int max, List<SequencedMessage> into, long nowTicks)
        {
            lock (_gate)
            {
                if (fromSeq < _firstSeq) fromSeq = _firstSeq;
                long end = _firstSeq + _count;
                int taken = 0;
                while (fromSeq < end && taken < max)
                {
                    int idx = (_head + (int)(fromSeq - _firstSeq)) % _ring.Length;
                    if (_ring[idx].FirstSentTicks == 0) _ring[idx].FirstSentTicks = nowTicks == 0 ? 1 : nowTicks;
                    into.Add(_ring[idx]);
                    fromSeq++;
                    taken++;
                }
                return fromSeq;
            }
        }

        /// <summary>True when a message with sequence number <paramref name="fromSeq"/> or later is waiting.</summary>
        public bool HasFrom(long fromSeq)
        {
            lock (_gate) return fromSeq < _firstSeq + _count;
        }

        /// <summary>
        /// Starts a new engine session: the engine knows none of our messages, so numbering starts
        /// again from 1 and the messages still unacknowledged are renumbered in order (their JSON is
        /// re-encoded with the new numbers). Used only when the engine refuses to resume a session.
        /// </summary>
        public void Renumber(Func<string, long, string> reencode)
        {
            lock (_gate)
            {
                if (_firstSeq == 1) { _acked = 0; return; } // already numbered from 1
                for (int i = 0; i < _count; i++)
                {
                    int idx = (_head + i) % _ring.Length;
                    long seq = 1 + i;
                    _ring[idx] = new SequencedMessage(seq, reencode(_ring[idx].Json, seq));
                }
                _firstSeq = 1;
                _acked = 0;
            }
        }

        /// <summary>A snapshot of the unacknowledged messages, oldest first.</summary>
        public List<SequencedMessage> Snapshot()
        {
            var list = new List<SequencedMessage>();
            lock (_gate)
            {
                for (int i = 0; i < _count; i++) list.Add(_ring[(_head + i) % _ring.Length]);
            }
            return list;
        }

        private void Grow()
        {
            int size = (int)Math.Min((long)_capacity, Math.Max(16L, _ring.Length * 2L));
            var next = new SequencedMessage[size];
            for (int i = 0; i < _count; i++) next[i] = _ring[(_head + i) % _ring.Length];
            _ring = next;
            _head = 0;
        }
    }
}
