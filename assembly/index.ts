// Kernel exports are added by the WASM kernels work (issue 3).
export function version(): i32 {
  return 1;
}
