import { describe, expect, it } from 'vitest';
import {
  AUTH_FAILURE_BURST,
  AUTH_FAILURES_PER_MINUTE,
  FailedAuthThrottle,
  throttleOf,
} from '../../../src/server/auth/failed-auth-throttle.js';
import type { Authenticate } from '../../../src/server/auth/roles.js';

describe('failed-auth throttle', () => {
  it('throttles an address after its burst, says when to retry, and lets one attempt back per interval', () => {
    let now = 0;
    const throttle = new FailedAuthThrottle(() => now);
    const tripped: boolean[] = [];
    for (let attempt = 0; attempt < AUTH_FAILURE_BURST; attempt++)
      tripped.push(throttle.recordFailure('10.0.0.1'));
    expect(tripped.filter(Boolean)).toHaveLength(1);
    expect(tripped.at(-1)).toBe(true);
    const interval = 60 / AUTH_FAILURES_PER_MINUTE;
    expect(throttle.throttledFor('10.0.0.1')).toBe(interval);
    expect(throttle.throttledFor('10.0.0.2')).toBe(0);
    now += interval * 1000;
    expect(throttle.throttledFor('10.0.0.1')).toBe(0);
    expect(throttle.recordFailure('10.0.0.1')).toBe(true);
    expect(throttle.throttledFor('10.0.0.1')).toBe(interval);
  });

  it('gives every guard over the same authenticate function the same throttle, and another function its own', () => {
    const one: Authenticate = () => undefined;
    const other: Authenticate = () => undefined;
    expect(throttleOf(one)).toBe(throttleOf(one));
    expect(throttleOf(one)).not.toBe(throttleOf(other));
  });
});
