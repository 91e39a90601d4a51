import { createRegistry } from '../../operators/index.js';
import { operatorCatalogue } from '../catalogue.js';
import type { Command } from '../command.js';

export const operatorsCommand: Command = {
  name: 'operators',
  summary: 'List every operator a pipeline can use, with its params.',
  usage: 'enigma operators',
  run: async () => {
    process.stdout.write(`${operatorCatalogue(createRegistry())}\n`);
    return 0;
  },
};
