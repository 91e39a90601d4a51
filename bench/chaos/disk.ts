import type { ChaosSettings } from './settings.js';
import type { Figure } from './table.js';
export async function runDisk(_settings: ChaosSettings): Promise<Figure[]> { return []; }
