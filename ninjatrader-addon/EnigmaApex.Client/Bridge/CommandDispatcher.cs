using System;
using System.Collections.Generic;
using EnigmaApex.Client.Protocol;

namespace EnigmaApex.Client.Bridge
{
    /// <summary>
    /// What the NinjaTrader layer does with engine commands. Implemented inside NinjaTrader with
    /// <c>Account.CreateOrder/Submit/Cancel/Change/Flatten</c>; every call comes from the client's
    /// receive thread and must not block for long (NinjaTrader's order methods are asynchronous).
    /// </summary>
    public interface IBrokerAdapter
    {
        /// <summary>Submit one NinjaTrader order (with its OCO bracket) named after <see cref="OrderSpec.ClientOrderId"/>.</summary>
        void SubmitOrder(OrderSpec order);

        /// <summary>Cancel the working order named <see cref="CancelCommand.ClientOrderId"/>.</summary>
        void CancelOrder(CancelCommand command);

        /// <summary>Change quantity or prices of a working order.</summary>
        void ReplaceOrder(ReplaceCommand command);

        /// <summary>Close positions and cancel working orders of an account (one instrument, or all).</summary>
        void Flatten(FlattenCommand command);

        /// <summary>Show a proposal for confirmation; answer with <see cref="CommandDispatcher.Decide"/>.</summary>
        void ShowProposal(ProposalMessage proposal);

        /// <summary>Start or stop streaming market data for instruments.</summary>
        void ChangeSubscription(SubscriptionMessage subscription);

        /// <summary>The complete current state: accounts, positions, working orders.</summary>
        SnapshotMessage TakeSnapshot();
    }

    /// <summary>
    /// Turns engine commands into broker calls, applying the protocol's idempotency rules: at most
    /// one order per <c>client_order_id</c> and one action per <c>command_id</c>, however many times
    /// they arrive; answers <c>snapshot_request</c>; remembers each account's trading state.
    /// NinjaTrader-free so that it is tested here.
    /// </summary>
    public sealed class CommandDispatcher
    {
        private readonly EnigmaClient _client;
        private readonly IBrokerAdapter _broker;
        private readonly IdempotencyRegistry _orders;
        private readonly IdempotencyRegistry _commands = new IdempotencyRegistry();
        private readonly Dictionary<string, StateMessage> _states = new Dictionary<string, StateMessage>(StringComparer.Ordinal);
        private readonly Dictionary<string, ProposalMessage> _proposals = new Dictionary<string, ProposalMessage>(StringComparer.Ordinal);
        private readonly object _gate = new object();

        /// <summary>Wires the dispatcher to <paramref name="client"/>'s <see cref="EnigmaClient.MessageReceived"/>.</summary>
        public CommandDispatcher(EnigmaClient client, IBrokerAdapter broker, IdempotencyRegistry orders = null)
        {
            if (client == null) throw new ArgumentNullException("client");
            if (broker == null) throw new ArgumentNullException("broker");
            _client = client;
            _broker = broker;
            _orders = orders ?? new IdempotencyRegistry();
            _client.MessageReceived += Dispatch;
        }

        /// <summary>Raised when an account's trading state changes.</summary>
        public event Action<StateMessage> StateChanged;

        /// <summary>Diagnostic lines (duplicates skipped, refusals).</summary>
        public event Action<string> Log;

        /// <summary>Ids of orders submitted (or found in NinjaTrader at start-up: seed it then).</summary>
        public IdempotencyRegistry Orders { get { return _orders; } }

        /// <summary>The last known trading state of <paramref name="account"/>, or null.</summary>
        public StateMessage StateOf(string account)
        {
            lock (_gate)
            {
                StateMessage s;
                return _states.TryGetValue(account, out s) ? s : null;
            }
        }

        /// <summary>Proposals waiting for a decision.</summary>
        public IList<ProposalMessage> PendingProposals
        {
            get { lock (_gate) return new List<ProposalMessage>(_proposals.Values); }
        }

        /// <summary>Stops listening to the client (call on AddOn shutdown).</summary>
        public void Detach() { _client.MessageReceived -= Dispatch; }

        /// <summary>Handles one sequenced engine message.</summary>
        public void Dispatch(EngineMessage m)
        {
            var order = m as OrderCommand;
            if (order != null)
            {
                Submit(order.Order);
                return;
            }
            var cancel = m as CancelCommand;
            if (cancel != null)
            {
                if (Claim(cancel.CommandId)) _broker.CancelOrder(cancel);
                return;
            }
            var replace = m as ReplaceCommand;
            if (replace != null)
            {
                if (Claim(replace.CommandId)) _broker.ReplaceOrder(replace);
                return;
            }
            var flatten = m as FlattenCommand;
            if (flatten != null)
            {
                if (Claim(flatten.CommandId)) _broker.Flatten(flatten);
                return;
            }
            var state = m as StateMessage;
            if (state != null)
            {
                lock (_gate) _states[state.Account] = state;
                var h = StateChanged;
                if (h != null) h(state);
                return;
            }
            var proposal = m as ProposalMessage;
            if (proposal != null)
            {
                lock (_gate)
                {
                    if (_proposals.ContainsKey(proposal.ProposalId)) return;
                    _proposals[proposal.ProposalId] = proposal;
                }
                _broker.ShowProposal(proposal);
                return;
            }
            var sub = m as SubscriptionMessage;
            if (sub != null)
            {
                _broker.ChangeSubscription(sub);
                return;
            }
            var snap = m as SnapshotRequestMessage;
            if (snap != null)
            {
                var snapshot = _broker.TakeSnapshot();
                snapshot.RequestId = snap.RequestId;
                // Never block here: this is the receive thread, which also applies the acks that make room.
                long seq;
                if (!_client.TrySend(snapshot, out seq)) Write("outbound buffer full: snapshot " + snap.RequestId + " not sent");
                return;
            }
            Write("ignored engine message " + m.Type + " (seq " + m.Seq + ")");
        }

        /// <summary>
        /// The trader's answer to a proposal: reports the decision to the engine, nothing else. On
        /// <c>accepted</c> the engine checks the risk again and sends the order itself as an
        /// <c>order</c> (protocol §4.2), so idempotency and the risk check stay in one place; the AddOn
        /// never submits a proposal's order on its own. Returns false for an unknown or already
        /// decided proposal.
        /// </summary>
        public bool Decide(string proposalId, bool accept, long nowMicros, string reason = null)
        {
            ProposalMessage p;
            lock (_gate)
            {
                if (!_proposals.TryGetValue(proposalId, out p)) return false;
                _proposals.Remove(proposalId);
            }
            string decision = !accept ? "rejected" : nowMicros > p.ExpiresTs ? "expired" : "accepted";
            long seq;
            if (!_client.TrySend(new ProposalDecisionMessage { Ts = nowMicros, ProposalId = proposalId, Decision = decision, Reason = reason }, out seq))
                Write("outbound buffer full: decision on " + proposalId + " not sent");
            return true;
        }

        /// <summary>
        /// Removes proposals whose <c>expires_ts</c> has passed (the window calls it on its timer) and
        /// returns them. Nothing is sent: the engine expires a proposal on its own clock, as on the
        /// CLI; an answer given after expiry still goes back as <c>expired</c> through <see cref="Decide"/>.
        /// </summary>
        public IList<ProposalMessage> DropExpired(long nowMicros)
        {
            var dropped = new List<ProposalMessage>();
            lock (_gate)
            {
                foreach (var p in _proposals.Values)
                    if (nowMicros > p.ExpiresTs) dropped.Add(p);
                foreach (var p in dropped) _proposals.Remove(p.ProposalId);
            }
            return dropped;
        }

        /// <summary>Whole seconds until <paramref name="proposal"/> expires (0 once expired), for the countdown.</summary>
        public static long SecondsLeft(ProposalMessage proposal, long nowMicros)
        {
            long left = proposal.ExpiresTs - nowMicros;
            return left <= 0 ? 0 : (left + 999999) / 1000000;
        }

        private void Submit(OrderSpec order)
        {
            if (!_orders.TryClaim(order.ClientOrderId))
            {
                Write("order " + order.ClientOrderId + " already submitted; not submitting it again");
                return;
            }
            _broker.SubmitOrder(order);
        }

        private bool Claim(string commandId)
        {
            if (_commands.TryClaim(commandId)) return true;
            Write("command " + commandId + " already carried out; skipped");
            return false;
        }

        private void Write(string line)
        {
            var h = Log;
            if (h != null) h(line);
        }
    }
}
