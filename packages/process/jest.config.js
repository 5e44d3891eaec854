module.exports = {
  displayName: 'process',
  preset: '../../jest.preset.js',
};
