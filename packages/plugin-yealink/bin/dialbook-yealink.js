#!/usr/bin/env node
// The `dialbook-yealink` command: the Yealink plugin as a remote vendor service.
// Resolves through the package's "exports": the built JavaScript, or the TypeScript sources
// under `node --conditions=dialbook-source --import tsx`.
import '@dialbook/plugin-yealink/service-cli';
