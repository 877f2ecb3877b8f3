export { sendConversationSummary, verifiedCustomerOfSession, type SummaryDeps, type SummaryKind } from './conversation-summary.js';
export { notifyStaffOfHandoff, type OpenedHandoff } from './handoff-notice.js';
export { summarizeConversation } from './summary.js';
export { startSummaryScheduler, type SummaryScheduler, type SummarySchedulerOptions } from './scheduler.js';
export { addEmailRoutes } from './routes.js';
export { createEmailFeature, type EmailFeature } from './feature.js';
