using System.Collections.Generic;
using System.Linq;
using EnigmaApex.Client.Transport;
using Xunit;

namespace EnigmaApex.Client.Tests
{
    public class UnackedBufferTests
    {
        private static long Add(UnackedBuffer b, string body = "x")
        {
            return b.Append(seq => "{\"type\":\"tick\",\"seq\":" + seq + ",\"b\":\"" + body + "\"}");
        }

        private static List<long> ReadAll(UnackedBuffer b, long from)
        {
            var list = new List<SequencedMessage>();
            b.Read(from, int.MaxValue, list, 1);
            return list.Select(m => m.Seq).ToList();
        }

        [Fact]
        public void NumbersMessagesFromOneInAppendOrder()
        {
            var b = new UnackedBuffer(100);
            Assert.Equal(0, b.LastSeq);
            Assert.Equal(1, Add(b));
            Assert.Equal(2, Add(b));
            Assert.Equal(3, Add(b));
            Assert.Equal(new long[] { 1, 2, 3 }, ReadAll(b, 1));
            Assert.Equal(3, b.LastSeq);
        }

        [Fact]
        public void AcknowledgedMessagesAreDropped()
        {
            var b = new UnackedBuffer(100);
            for (int i = 0; i < 10; i++) Add(b);
            Assert.Equal(4, b.Acknowledge(4));
            Assert.Equal(6, b.Count);
            Assert.Equal(4, b.AckedSeq);
            Assert.Equal(new long[] { 5, 6, 7, 8, 9, 10 }, ReadAll(b, 1));
        }

        [Fact]
        public void RepeatedOrBackwardAcksChangeNothingAndAcksBeyondTheEndAreClamped()
        {
            var b = new UnackedBuffer(100);
            for (int i = 0; i < 5; i++) Add(b);
            b.Acknowledge(3);
            Assert.Equal(0, b.Acknowledge(3));
            Assert.Equal(0, b.Acknowledge(1));
            Assert.Equal(2, b.Acknowledge(99));
            Assert.Equal(0, b.Count);
            Assert.Equal(5, b.AckedSeq);
            Assert.Equal(6, Add(b));
        }

        [Fact]
        public void AfterAReconnectTheUnacknowledgedAreReadAgainInOrder()
        {
            var b = new UnackedBuffer(100);
            for (int i = 0; i < 8; i++) Add(b);
            var sent = new List<SequencedMessage>();
            long cursor = b.Read(1, 100, sent, 1); // connection 1 sent 1..8
            Assert.Equal(9, cursor);
            b.Acknowledge(5);                      // engine stored 1..5, then the link dropped
            Add(b);                                // 9 produced while disconnected
            Assert.Equal(new long[] { 6, 7, 8, 9 }, ReadAll(b, b.AckedSeq + 1));
        }

        [Fact]
        public void ReadRespectsTheCursorAndTheMaximum()
        {
            var b = new UnackedBuffer(100);
            for (int i = 0; i < 10; i++) Add(b);
            var got = new List<SequencedMessage>();
            long next = b.Read(4, 3, got, 1);
            Assert.Equal(new long[] { 4, 5, 6 }, got.Select(m => m.Seq));
            Assert.Equal(7, next);
            Assert.True(b.HasFrom(10));
            Assert.False(b.HasFrom(11));
        }

        [Fact]
        public void AFullBufferRefusesWithoutAssigningASequenceNumber()
        {
            var b = new UnackedBuffer(3);
            Add(b); Add(b); Add(b);
            Assert.True(b.IsFull);
            Assert.Equal(0, Add(b));
            b.Acknowledge(1);
            Assert.Equal(4, Add(b));
        }

        [Fact]
        public void SurvivesWrappingAndGrowingTheRing()
        {
            var b = new UnackedBuffer(100000);
            long acked = 0;
            var rnd = new System.Random(5);
            for (int round = 0; round < 200; round++)
            {
                int adds = rnd.Next(0, 3000);
                for (int i = 0; i < adds && !b.IsFull; i++) Add(b);
                long ack = acked + rnd.Next(0, (int)(b.LastSeq - acked) + 1);
                b.Acknowledge(ack);
                acked = b.AckedSeq;
                var seqs = ReadAll(b, 0);
                Assert.Equal(b.Count, seqs.Count);
                for (int i = 0; i < seqs.Count; i++) Assert.Equal(acked + 1 + i, seqs[i]);
            }
        }

        [Fact]
        public void RenumberingForANewSessionKeepsOrderAndStartsAtOne()
        {
            var b = new UnackedBuffer(100);
            for (int i = 0; i < 6; i++) Add(b, "m" + (i + 1));
            b.Acknowledge(2);
            b.Renumber((json, seq) => EnigmaApex.Client.Protocol.ProtocolCodec.ReplaceSeq(json, seq));
            var all = b.Snapshot();
            Assert.Equal(new long[] { 1, 2, 3, 4 }, all.Select(m => m.Seq));
            Assert.Equal("{\"type\":\"tick\",\"seq\":1,\"b\":\"m3\"}", all[0].Json);
            Assert.Equal("{\"type\":\"tick\",\"seq\":4,\"b\":\"m6\"}", all[3].Json);
            Assert.Equal(0, b.AckedSeq);
            Assert.Equal(5, Add(b));
        }

        [Fact]
        public void ConcurrentProducersGetUniqueContiguousNumbers()
        {
            var b = new UnackedBuffer(1000000);
            var threads = Enumerable.Range(0, 4).Select(_ => new System.Threading.Thread(() => { for (int i = 0; i < 10000; i++) Add(b); })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            var seqs = ReadAll(b, 1);
            Assert.Equal(Enumerable.Range(1, 40000).Select(i => (long)i), seqs);
            Assert.All(b.Snapshot(), m => Assert.Contains("\"seq\":" + m.Seq + ",", m.Json));
        }
    }
}
