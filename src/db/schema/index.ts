export * from './reference-data.js';
export * from './users.js';
export * from './extensions.js';
export * from './requests.js';
export * from './audit.js';
export * from './sign-in-attempts.js';
export * from './request-approvals.js';
export * from './jobs.js';
