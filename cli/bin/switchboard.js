#!/usr/bin/env node
// The installed command. It is plain JavaScript that exists before the build, so npm can link it
// when dependencies are installed; the program itself is compiled to dist/.
require('../dist/main.js');
