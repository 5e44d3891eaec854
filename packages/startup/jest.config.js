module.exports = {
  displayName: 'startup',
  preset: '../../jest.preset.js',
};
