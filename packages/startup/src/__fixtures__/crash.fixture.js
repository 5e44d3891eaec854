'use strict';
// Exits with code 3 shortly after start: a service that crashes.
setTimeout(() => process.exit(3), 20);
