// The sample company's (Ostria's) customers: invented people (example.com/.net/.org addresses, numbers from no real
// plan) in Greece, Bulgaria, the Netherlands and Poland, with what its customer database and its login history hold
// about them. Eleni Georgiou is the README's walkthrough customer.

export interface SampleCustomer {
  ref: string;
  fullName: string;
  email: string;
  phone: string;
  street: string;
  postalCode: string;
  city: string;
  country: 'GR' | 'BG' | 'NL' | 'PL';
  createdOn: string;
  invoices: { number: string; issuedOn: string; amountEur: number; status: 'paid' | 'open' }[];
  mailboxes: { address: string; quotaMb: number; createdOn: string }[];
  tickets: { openedOn: string; subject: string; body: string; status: 'closed' | 'open' }[];
}

/** The README's walkthrough customer: the address to send the sample access request from. */
export const walkthroughEmail = 'eleni.georgiou@example.com';

export const sampleCustomers: readonly SampleCustomer[] = [
  {
    ref: 'OST-10231',
    fullName: 'Ελένη Γεωργίου',
    email: walkthroughEmail,
    phone: '+302105550134',
    street: 'Ερμού 42',
    postalCode: '105 63',
    city: 'Αθήνα',
    country: 'GR',
    createdOn: '2021-03-14',
    invoices: [
      { number: 'OST-2025-00412', issuedOn: '2025-01-05', amountEur: 71.88, status: 'paid' },
      { number: 'OST-2026-00398', issuedOn: '2026-01-05', amountEur: 83.88, status: 'paid' },
    ],
    mailboxes: [
      { address: 'eleni@georgiou-keramika.example.com', quotaMb: 10240, createdOn: '2021-03-14' },
      { address: 'shop@georgiou-keramika.example.com', quotaMb: 5120, createdOn: '2023-06-02' },
    ],
    tickets: [
      {
        openedOn: '2025-11-03',
        subject: 'Δεν λαμβάνω email στο κινητό',
        body: 'Από χθες το κινητό μου δεν κατεβάζει τα μηνύματα της διεύθυνσης shop@. Στον υπολογιστή όλα λειτουργούν κανονικά.',
        status: 'closed',
      },
      {
        openedOn: '2026-09-21',
        subject: 'Αύξηση χώρου γραμματοκιβωτίου',
        body: 'Το γραμματοκιβώτιο eleni@ γέμισε. Μπορείτε να μου πείτε πόσο κοστίζουν 10 GB επιπλέον;',
        status: 'open',
      },
    ],
  },
  {
    ref: 'OST-10587',
    fullName: 'Δημήτρης Παπαδάκης',
    email: 'dimitris.papadakis@example.net',
    phone: '+302310555871',
    street: 'Τσιμισκή 85',
    postalCode: '546 22',
    city: 'Θεσσαλονίκη',
    country: 'GR',
    createdOn: '2022-09-30',
    invoices: [{ number: 'OST-2025-01877', issuedOn: '2025-09-30', amountEur: 47.88, status: 'paid' }],
    mailboxes: [{ address: 'info@papadakis-logistiko.example.net', quotaMb: 5120, createdOn: '2022-09-30' }],
    tickets: [
      {
        openedOn: '2024-02-12',
        subject: 'Αλλαγή στοιχείων τιμολόγησης',
        body: 'Παρακαλώ να εκδίδετε τα τιμολόγια στην επωνυμία της εταιρείας μου από τον επόμενο μήνα.',
        status: 'closed',
      },
    ],
  },
  {
    ref: 'OST-11044',
    fullName: 'Иван Петров',
    email: 'ivan.petrov@example.org',
    phone: '+35929555418',
    street: 'ул. „Граф Игнатиев“ 15',
    postalCode: '1000',
    city: 'София',
    country: 'BG',
    createdOn: '2020-11-02',
    invoices: [
      { number: 'OST-2025-02210', issuedOn: '2025-11-02', amountEur: 119.88, status: 'paid' },
      { number: 'OST-2026-02154', issuedOn: '2026-11-02', amountEur: 119.88, status: 'open' },
    ],
    mailboxes: [
      { address: 'ivan@petrov-advokat.example.org', quotaMb: 20480, createdOn: '2020-11-02' },
      { address: 'office@petrov-advokat.example.org', quotaMb: 20480, createdOn: '2020-11-02' },
    ],
    tickets: [
      {
        openedOn: '2026-04-08',
        subject: 'Пренасочване на поща',
        body: 'Искам писмата до office@ да се пренасочват и към личната ми кутия. Как да го настроя в контролния панел?',
        status: 'closed',
      },
    ],
  },
  {
    ref: 'OST-11390',
    fullName: 'Радостина Колева',
    email: 'radostina.koleva@example.com',
    phone: '+35952555093',
    street: 'бул. „Княз Борис I“ 88',
    postalCode: '9000',
    city: 'Варна',
    country: 'BG',
    createdOn: '2024-05-19',
    invoices: [{ number: 'OST-2025-01033', issuedOn: '2025-05-19', amountEur: 35.88, status: 'paid' }],
    mailboxes: [{ address: 'radostina@koleva-design.example.com', quotaMb: 5120, createdOn: '2024-05-19' }],
    tickets: [
      {
        openedOn: '2025-05-20',
        subject: 'Проблем с паролата',
        body: 'Не мога да вляза в пощата след смяната на паролата. Моля, помогнете ми да я възстановя.',
        status: 'closed',
      },
    ],
  },
  {
    ref: 'OST-11702',
    fullName: 'Lotte van den Berg',
    email: 'lotte.vandenberg@example.net',
    phone: '+31305550172',
    street: 'Oudegracht 158',
    postalCode: '3511 AZ',
    city: 'Utrecht',
    country: 'NL',
    createdOn: '2023-01-09',
    invoices: [
      { number: 'OST-2025-00066', issuedOn: '2025-01-09', amountEur: 59.88, status: 'paid' },
      { number: 'OST-2026-00071', issuedOn: '2026-01-09', amountEur: 59.88, status: 'paid' },
    ],
    mailboxes: [{ address: 'lotte@bloemenvandenberg.example.net', quotaMb: 10240, createdOn: '2023-01-09' }],
    tickets: [
      {
        openedOn: '2026-02-17',
        subject: 'Domeinnaam verhuizen',
        body: 'Ik wil mijn domeinnaam van een andere provider naar jullie overzetten. Welke verhuiscode hebben jullie nodig?',
        status: 'closed',
      },
      {
        openedOn: '2026-10-30',
        subject: 'Spam in mijn inbox',
        body: 'Sinds een week krijg ik veel meer spam binnen. Kunnen jullie het spamfilter strenger zetten?',
        status: 'open',
      },
    ],
  },
  {
    ref: 'OST-12015',
    fullName: 'Katarzyna Wiśniewska',
    email: 'katarzyna.wisniewska@example.org',
    phone: '+48125550461',
    street: 'ul. Floriańska 12/4',
    postalCode: '31-019',
    city: 'Kraków',
    country: 'PL',
    createdOn: '2025-02-26',
    invoices: [{ number: 'OST-2026-00520', issuedOn: '2026-02-26', amountEur: 95.88, status: 'paid' }],
    mailboxes: [
      { address: 'kasia@wisniewska-tlumaczenia.example.org', quotaMb: 10240, createdOn: '2025-02-26' },
      { address: 'biuro@wisniewska-tlumaczenia.example.org', quotaMb: 5120, createdOn: '2025-03-04' },
    ],
    tickets: [
      {
        openedOn: '2025-03-04',
        subject: 'Konfiguracja poczty w Thunderbirdzie',
        body: 'Proszę o dane serwera IMAP i SMTP dla nowej skrzynki biuro@. Thunderbird nie wykrywa ich automatycznie.',
        status: 'closed',
      },
    ],
  },
];
