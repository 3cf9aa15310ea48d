import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Command } from 'commander';
import { invalidValue } from '../../core/errors';
import { ConsoleLogger } from '../../core/logger';
import { COMPILE_TARGETS, type CompileTarget, compilePipeline } from '../../pipeline/compile/compile';
import { loadPipelineFile } from '../../pipeline/load-pipeline';
import { MetadataStore } from '../../pipeline/metadata-store';
import { formatSummary, runPipeline } from '../../pipeline/runner';
import { createSdkContainerWithPlugins } from '../../sdk-container';

interface RunFlags {
  cache: boolean;
  concurrency?: string;
  only?: string;
  quiet?: boolean;
}

/**
 * `tfscale pipeline run|run-component|compile|lineage <file>`: runs a pipeline locally (cached,
 * parallel), one node of it (what compiled targets run in each container), compiles it for
 * Kubeflow Pipelines, Argo or Airflow, or shows what data trained the model now serving.
 * @example
 *   registerPipelineCommand(program); // tfscale pipeline run examples/dist/pipeline/pipeline.js
 */
export function registerPipelineCommand(program: Command): void {
  const pipeline = program.command('pipeline').description('run or compile a TFX-style pipeline (ExampleGen … Pusher)');
  pipeline
    .command('run <file>')
    .description('run the pipeline here: independent components in parallel, cached components skipped')
    .option('--no-cache', 'execute every component even when its inputs and parameters are unchanged')
    .option('--concurrency <n>', 'most components running at once', '4')
    .option('--only <ids>', 'comma-separated node ids to run (their inputs come from the metadata store)')
    .option('--quiet', 'only the summary')
    .action(async (file: string, flags: RunFlags) => {
      const code = await runFile(file, flags);
      process.exitCode = code;
    });
  pipeline
    .command('run-component <file>')
    .description('run one node, reading its inputs from the metadata store (each compiled step runs this)')
    .requiredOption('--node <id>', 'the node id')
    .option('--no-cache', 'execute even when cached')
    .action(async (file: string, flags: { node: string; cache: boolean }) => {
      process.exitCode = await runFile(file, { cache: flags.cache, only: flags.node });
    });
  pipeline
    .command('compile <file>')
    .description('compile for Kubeflow Pipelines v2 (kfp, also Vertex AI), Argo Workflows or Airflow')
    .requiredOption('--target <name>', COMPILE_TARGETS.join(', '))
    .option('--out <file>', 'output file (default: <pipeline name>.<target extension> here)')
    .option('--image <image>', "container image with tfscale installed (default: the pipeline's `image`)")
    .option('--pipeline-file <path>', 'path of the pipeline file inside the image (default: as given)')
    .option('--pvc <claim:path>', 'a PersistentVolumeClaim every step mounts at path (sets PIPELINE_ROOT there)')
    .action(
      async (
        file: string,
        flags: { target: string; out?: string; image?: string; pipelineFile?: string; pvc?: string },
      ) => {
        if (!(COMPILE_TARGETS as readonly string[]).includes(flags.target)) {
          throw invalidValue('target', flags.target, COMPILE_TARGETS.join(', '));
        }
        const pvc = flags.pvc?.match(/^([a-z0-9][-a-z0-9.]*):(\/.*)$/);
        if (flags.pvc !== undefined && !pvc) {
          throw invalidValue('pvc', flags.pvc, '<claim name>:<absolute mount path>, e.g. pipelines:/pipeline');
        }
        const { pipeline: p } = loadPipelineFile(file);
        const { text, extension } = compilePipeline(p, flags.target as CompileTarget, {
          pipelineFile: flags.pipelineFile ?? file,
          ...(flags.image ? { image: flags.image } : {}),
          ...(pvc ? { volume: { claim: pvc[1]!, mountPath: pvc[2]! } } : {}),
        });
        const out = path.resolve(flags.out ?? `${p.name}${extension}`);
        await fs.writeFile(out, text);
        console.log(`${flags.target}: ${out}`);
      },
    );
  pipeline
    .command('lineage <file>')
    .description('the model now serving (the newest push) and the artifacts upstream of it')
    .action(async (file: string) => {
      const { pipeline: p, baseDir } = loadPipelineFile(file);
      const store = MetadataStore.open(path.resolve(baseDir, p.metadataPath));
      try {
        const pushed = store.latestArtifact('PushedModel', (a) => a.properties.pushed === true);
        if (!pushed) {
          console.log('nothing pushed yet');
          return;
        }
        console.log(`serving: ${pushed.properties.pushed_uri} (artifact ${pushed.id})`);
        for (const a of store.upstream(pushed.id)) {
          console.log(
            `  ${a.type.padEnd(18)} #${a.id}  ${a.uri}${a.type === 'Examples' ? `  from ${a.properties.source} (span ${a.properties.span}, version ${a.properties.version})` : ''}`,
          );
        }
      } finally {
        store.close();
      }
    });
}

async function runFile(file: string, flags: RunFlags): Promise<number> {
  const { pipeline: p, baseDir } = loadPipelineFile(file);
  const container = await createSdkContainerWithPlugins();
  const logger = new ConsoleLogger(flags.quiet ? 'warn' : 'info');
  const concurrency = flags.concurrency === undefined ? 4 : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw invalidValue('concurrency', flags.concurrency, 'a positive integer');
  }
  const result = await runPipeline(p, {
    container,
    logger,
    baseDir,
    concurrency,
    noCache: !flags.cache,
    ...(flags.only ? { only: flags.only.split(',') } : {}),
  });
  console.log(formatSummary(result));
  return result.ok ? 0 : 1;
}
