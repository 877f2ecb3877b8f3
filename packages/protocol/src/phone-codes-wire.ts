/** Phone verification's routes, zod-free: the widget's account panel (a lazy chunk) imports them. */
export const PHONE_CODE_ROUTES = {
  start: '/v1/identity/phone/start',
  verify: '/v1/identity/phone/verify',
} as const;
