// Owned by the customers feature; filled in as it lands.
export {};
