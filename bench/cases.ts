// Every side-by-side case, in table order.
import type { Case } from './case.js';
import { ioCases } from './cases-io.js';
import { sysCases } from './cases-sys.js';

export function allCases(): Case[] {
  return [...sysCases(), ...ioCases()];
}
