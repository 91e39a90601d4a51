import { useEffect, useState } from 'preact/hooks';
import type { LiveState, LiveStream } from './live-stream.js';

/** The stream's state, re-rendering on every change. */
export function useLive(stream: LiveStream): LiveState {
  const [state, setState] = useState(stream.current);
  useEffect(() => {
    setState(stream.current);
    return stream.onChange(setState);
  }, [stream]);
  return state;
}
