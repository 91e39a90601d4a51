import type { ChaosSettings } from './settings.js';
import type { Figure } from './table.js';
export async function runSoak(_settings: ChaosSettings): Promise<Figure[]> { return []; }
