import type { CompiledPipeline } from './compile.js';
import { groupFeatureSteps } from './fuse.js';

/**
 * The pipeline's DAG as a Mermaid flowchart: one node per step (id and operator), edges labelled
 * with the message kind, and fused feature groups drawn as subgraphs.
 */
export function renderMermaid(pipeline: CompiledPipeline): string {
  const lines = ['flowchart LR'];
  const fused = new Set<string>();
  for (const group of groupFeatureSteps(pipeline.steps)) {
    if (group.members.length < 2) continue;
    lines.push(
      `  subgraph ${group.id.replaceAll('+', '_')}["fused: ${group.members.map((m) => m.id).join(', ')}"]`,
    );
    for (const member of group.members) {
      lines.push(`    ${member.id}["${member.id}<br/><i>${member.operator.name}</i>"]`);
      fused.add(member.id);
    }
    lines.push('  end');
  }
  for (const step of pipeline.steps) {
    if (fused.has(step.id)) continue;
    const shape =
      step.operator.kind === 'source'
        ? ['([', '])']
        : step.operator.kind === 'sink'
          ? ['[/', '/]']
          : ['[', ']'];
    lines.push(`  ${step.id}${shape[0]}"${step.id}<br/><i>${step.operator.name}</i>"${shape[1]}`);
  }
  const byId = new Map(pipeline.steps.map((step) => [step.id, step]));
  for (const step of pipeline.steps) {
    for (const input of step.inputs)
      lines.push(`  ${input} -- ${byId.get(input)?.outputType ?? '?'} --> ${step.id}`);
  }
  return `${lines.join('\n')}\n`;
}
