import { Subject, type Observable } from 'rxjs';
import type { Topic } from './topics.js';

/**
 * The message bus: one RxJS Subject per topic. Engines and pipelines publish and subscribe here
 * and never call each other. Delivery is synchronous and in publish order.
 */
export class MessageBus {
  private readonly subjects = new Map<string, Subject<unknown>>();

  private subject<T>(topic: Topic<T>): Subject<T> {
    let subject = this.subjects.get(topic.name);
    if (!subject) {
      subject = new Subject<unknown>();
      this.subjects.set(topic.name, subject);
    }
    return subject as Subject<T>;
  }

  /** Messages published on the topic from now on. */
  observe<T>(topic: Topic<T>): Observable<T> {
    return this.subject(topic).asObservable();
  }

  publish<T>(topic: Topic<T>, message: T): void {
    this.subject(topic).next(message);
  }

  /** A publish function bound to one topic, resolved once: use it on the hot path. */
  publisher<T>(topic: Topic<T>): (message: T) => void {
    const subject = this.subject(topic);
    return (message) => subject.next(message);
  }

  /** Completes every topic: subscribers see the end of the stream and flush. */
  close(): void {
    for (const subject of this.subjects.values()) subject.complete();
  }
}
