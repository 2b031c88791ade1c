import { consent } from './consent.ts';
import { marketing } from './marketing.ts';
import { requests } from './requests.ts';

export const server = { consent, marketing, requests };
