// Linux test build only (net10.0 has no WPF): the members of System.Windows.Threading.Dispatcher
// the NinjaTrader layer uses (https://learn.microsoft.com/dotnet/api/system.windows.threading.dispatcher),
// as a queue a test pumps. The net48 build uses the real WindowsBase reference assembly instead.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace System.Windows.Threading
{
    public sealed class DispatcherOperation
    {
        internal readonly TaskCompletionSource<bool> Done = new TaskCompletionSource<bool>();
        public Task Task { get { return Done.Task; } }
    }

    public sealed class Dispatcher
    {
        private readonly object _gate = new object();
        private readonly Queue<KeyValuePair<Action, DispatcherOperation>> _queue = new Queue<KeyValuePair<Action, DispatcherOperation>>();
        [ThreadStatic] private static Dispatcher _running;

        public bool HasShutdownStarted { get; set; }

        public bool CheckAccess() { return ReferenceEquals(_running, this); }

        public DispatcherOperation InvokeAsync(Action callback)
        {
            var op = new DispatcherOperation();
            lock (_gate) _queue.Enqueue(new KeyValuePair<Action, DispatcherOperation>(callback, op));
            return op;
        }

        public void Invoke(Action callback)
        {
            if (CheckAccess()) { callback(); return; }
            InvokeAsync(callback);
            RunPending();
        }

        /// <summary>Stand-in only: runs the queued callbacks on the calling thread, as the dispatcher's thread.</summary>
        public int RunPending()
        {
            int n = 0;
            while (true)
            {
                KeyValuePair<Action, DispatcherOperation> item;
                lock (_gate)
                {
                    if (_queue.Count == 0) return n;
                    item = _queue.Dequeue();
                }
                var previous = _running;
                _running = this;
                try { item.Key(); item.Value.Done.TrySetResult(true); }
                catch (Exception e) { item.Value.Done.TrySetException(e); }
                finally { _running = previous; }
                n++;
            }
        }
    }
}
