/** Thrown into the guest when a host function fails or misbehaves; becomes a 'host_function' trap. */
export class HostFunctionError extends Error {
  override readonly name = 'HostFunctionError';
}
