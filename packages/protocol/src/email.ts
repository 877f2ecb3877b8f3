// Owned by the email feature; filled in as it lands.
export {};
