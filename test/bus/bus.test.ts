import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import type { Alert } from '../../src/core/events.js';

const alert = (code: string): Alert => ({ ts: 1, severity: 'info', code, message: code });

describe('message bus', () => {
  it('delivers each topic to its subscribers, in publish order, and nothing across topics', () => {
    const bus = new MessageBus();
    const alerts: string[] = [];
    const signals: unknown[] = [];
    bus.observe(TOPICS.alerts).subscribe((a) => alerts.push(a.code));
    bus.observe(TOPICS.signals).subscribe((s) => signals.push(s));
    bus.publish(TOPICS.alerts, alert('a'));
    const publishAlert = bus.publisher(TOPICS.alerts);
    publishAlert(alert('b'));
    expect(alerts).toEqual(['a', 'b']);
    expect(signals).toEqual([]);
  });

  it('completes every topic on close', () => {
    const bus = new MessageBus();
    let completed = false;
    bus.observe(TOPICS.fills).subscribe({ complete: () => (completed = true) });
    bus.close();
    expect(completed).toBe(true);
  });

  it('builds every topic name in one place, all distinct', () => {
    const names = Object.values(TOPICS).map((topic) => topic.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
