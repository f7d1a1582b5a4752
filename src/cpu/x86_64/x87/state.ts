/** x87 FPU state. Placeholder: the x87 unit fills this in. */
export class X87 {
  /** FXSAVE image of the x87 part (FCW, FSW, tags, registers): bytes 0-31 and 32-159 of the 512-byte area. */
  fxsave(area: Uint8Array): void { void area; }
  fxrstor(area: Uint8Array): void { void area; }
  reset(): void {}
}
