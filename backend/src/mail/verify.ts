
/**
 * Opens a connection to the relay, greets it and signs in when the URL carries credentials, then
 * closes: whether mail could be sent now, without sending any. Each timeout is `timeoutMs`, so a
 * relay that accepts the connection and never greets fails as surely as one that refuses it.
 */
export async function verifySmtpRelay(url: string, timeoutMs: number): Promise<void> {
  // Loaded when the Operations page first asks (the mailer loads it on its first mail).
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}
