const preset = require('../../jest.preset.js');

module.exports = {
  displayName: 'dashboard',
  preset: '../../jest.preset.js',
  // The page's modules import each other as `./x.js` (what the browser loads); map to the .ts.
  moduleNameMapper: { ...preset.moduleNameMapper, '^(\\.{1,2}/.*)\\.js$': '$1' },
};
