/**
 * @tfscale/sdk — train and deploy TensorFlow models at scale, from TypeScript.
 * @packageDocumentation
 */
import 'reflect-metadata';
