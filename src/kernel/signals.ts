// Values the kernel throws through the guest's stack to end a run. They are not Errors on
// purpose: nothing is captured, and engines recognise them with instanceof.

export type LimitName = 'memory' | 'output' | 'fuel' | 'openFiles';

export class GuestStop {}

export class ExitSignal extends GuestStop {
  constructor(readonly code: number) { super(); }
}

export class LimitSignal extends GuestStop {
  constructor(readonly limit: LimitName, readonly detail: string) { super(); }
}

export class TimeoutSignal extends GuestStop {}

export class AbortedSignal extends GuestStop {
  constructor(readonly reason?: unknown) { super(); }
}
