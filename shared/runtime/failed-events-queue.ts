/** The stack's on-failure queue, named after the service and stage (serverless.yml deploys it). */
export const failedEventsQueueName = (stage: string) => `traffic-autopilot-${stage}-failed-events`;
