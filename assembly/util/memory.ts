// Memory helpers. State lives in linear memory; the stub runtime's bump allocator hands it out
// once per instrument and never frees it (pipelines live as long as the process).

/** Allocates `bytes` of zeroed memory, 16-byte aligned; zeroed memory is a fresh kernel state. */
export function allocate(bytes: usize): usize {
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

/** The f64 at word `i` of `base`. */
export function word(base: usize, i: i32): f64 {
  return load<f64>(base + ((<usize>i) << 3));
}

export function setWord(base: usize, i: i32, value: f64): void {
  store<f64>(base + ((<usize>i) << 3), value);
}
