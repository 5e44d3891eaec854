module.exports = {
  displayName: 'prometheus',
  preset: '../../jest.preset.js',
};
