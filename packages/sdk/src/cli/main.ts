#!/usr/bin/env node
import 'reflect-metadata';
import { formatError } from '../core/errors';
import { createProgram } from './program';

createProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(formatError(err));
    process.exitCode = process.exitCode || 1;
  });
