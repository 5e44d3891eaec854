module.exports = {
  displayName: 'tools',
  preset: '../jest.preset.js',
  testMatch: [
    '<rootDir>/generators/**/*.spec.ts',
    '<rootDir>/docs/**/*.spec.ts',
    '<rootDir>/soak/**/*.spec.ts',
  ],
};
