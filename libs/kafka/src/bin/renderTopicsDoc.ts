#!/usr/bin/env node
import { renderTopicsDoc } from '../renderTopicsDoc';

process.stdout.write(renderTopicsDoc());
