/** The app's name and version, written into every export and report so a result file says what made it. */
export const APP = { name: 'adversarial-playground', version: '0.1.0' } as const;
