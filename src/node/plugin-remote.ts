export interface PluginOpen { t: 'plugin' }
export function servePlugin(..._a: unknown[]): void {}
