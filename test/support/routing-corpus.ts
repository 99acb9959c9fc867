/**
 * A labelled routing set written for Keel (issue 16): what owners, reps and bookkeepers type, each
 * labelled by hand with whether it touches data that must never reach a cloud model (payroll and
 * pay, personal contact data, bank/card numbers, government ids, health, HR matters) and how much
 * reasoning it asks for. Sensitive questions come in families: a short form, then rephrasings that
 * add a comparison, an explanation, extra steps or length — exactly the phrasings that used to
 * outvote the sensitivity check — in English, Spanish, German and Arabic.
 *
 * Expected route with both providers configured: sensitive → local (never cloud); otherwise
 * simple → local, moderate → small, complex → large.
 *
 * `split`: "tune" entries were looked at while writing the classifier; "held" entries were written
 * afterwards and only measured (the benchmark reports both).
 */
export type Level = "simple" | "moderate" | "complex";
export interface Labelled {
  q: string;
  sensitive: boolean;
  level: Level;
  split: "tune" | "held";
  /** Optional data the answer would include (deal notes, contact rows) — scanned like the question. */
  data?: string;
}

const S = (q: string, split: "tune" | "held" = "tune", data?: string): Labelled => ({
  q,
  sensitive: true,
  level: "simple",
  split,
  ...(data ? { data } : {}),
});
const N = (q: string, level: Level, split: "tune" | "held" = "tune", data?: string): Labelled => ({
  q,
  sensitive: false,
  level,
  split,
  ...(data ? { data } : {}),
});

export const SENSITIVE: Labelled[] = [
  // payroll, pay and commission — short, then rephrased longer/comparative
  S("what is our payroll this month"),
  S("how much is payroll costing us compared to last quarter, and why did it go up? explain the drivers"),
  S("show me everyone's salary"),
  S("list all salaries by team, compare them to market rates and then suggest who deserves a raise"),
  S("how much do we pay each sales rep in commission?"),
  S("how much do we pay each sales rep in commission? compare them and tell me who is overpaid"),
  S("what commission did Marta earn in october"),
  S("commissions paid per rep last quarter vs the quarter before, with an explanation of the gap"),
  S("how much does Tom earn"),
  S("what's Priya's hourly wage and how does it compare with the other warehouse staff?"),
  S("give me the payslips for november"),
  S("pay stubs for the warehouse team, then summarise overtime"),
  S("who got the biggest bonus last year and why"),
  S("should we give Ann a pay rise given her pipeline numbers? think through the pros and cons"),
  S("what's the total compensation package for our sales manager"),
  S("break down wages by department and explain which department is most expensive relative to revenue"),
  S("how much overtime pay did we owe in september"),
  S("nómina de diciembre"),
  S("¿cuánto cobra cada comercial de comisión? compáralos y dime quién gana más"),
  S("cual es el sueldo de Lucía"),
  S("Gehälter aller Mitarbeiter nach Abteilung"),
  S("wie viel verdient Jonas im Monat und wie vergleicht sich das mit dem Team?"),
  S("Lohnabrechnung für Oktober zeigen"),
  S("ما هي رواتب الموظفين هذا الشهر"),
  S("قارن رواتب فريق المبيعات واشرح الفروقات"),
  S("payroll", "held"),
  S(
    "salaries for the ops team compared by seniority, then outline a fair band structure for next year",
    "held",
  ),
  S(
    "what did we pay in commissions to each rep this year and which rep is the most expensive per deal won",
    "held",
  ),
  S("how much is Dana's salary vs Leo's? explain the difference", "held"),
  S("comisiones pagadas a cada vendedor en el último trimestre", "held"),
  S("Wie hoch sind die Provisionen pro Vertriebsmitarbeiter?", "held"),
  S("كم ندفع من عمولة لكل مندوب مبيعات", "held"),
  S("can you pull up the wage bill for the last 6 months and tell me if it's sustainable", "held"),
  // personal contact data of people (employees, individuals)
  S("list employees with their home addresses and phone numbers"),
  S(
    "list employees with their home addresses and phone numbers, then compare them by region and explain where we should open a second office",
  ),
  S("what's Ann's personal phone number"),
  S("give me the personal email addresses of all staff"),
  S("where does our warehouse manager live?"),
  S("staff birthdays and dates of birth so I can plan the year, and also check who is turning 50"),
  S("home address of Carlos from accounting"),
  S("emergency contacts for the whole team, sorted by department"),
  S("mobile numbers of every rep so I can text them tonight, and compare who responds fastest"),
  S("dirección particular de todos los empleados"),
  S("teléfono personal de María y su fecha de nacimiento"),
  S("Privatadressen der Mitarbeiter auflisten"),
  S("Handynummern aller Mitarbeiter und ihre Geburtsdaten"),
  S("عنوان المنزل لكل موظف"),
  S("أرقام الهواتف الشخصية للموظفين"),
  S("what are the home addresses of the drivers? then plan the pickup route", "held"),
  S("I need every employee's date of birth and private address for the insurance form", "held"),
  S("personal mobile of the new hire please", "held"),
  S("Geburtsdatum und Wohnadresse von Frau Keller", "held"),
  // bank, card
  S("what's the account number for Hooli"),
  S("our IBAN is GB82 WEST 1234 5698 7654 32, can you check the payment went to it"),
  S("card 4111 1111 1111 1111 was declined, why? and what should we tell the customer"),
  S("send me the bank details of Fjord Seafood and compare their payment speed with other customers"),
  S("what is the routing number we use for payroll deposits"),
  S("sort code and account number for our supplier Delta"),
  S("the customer's card number ends 4242, full number is 4242424242424242 — refund it"),
  S("credit card number on file for Acme"),
  S("datos bancarios de Acme y su número de cuenta"),
  S("IBAN von Müller GmbH: DE89 3704 0044 0532 0130 00"),
  S("Bankverbindung unseres Lieferanten anzeigen"),
  S("رقم الحساب البنكي للمورد"),
  S("what's the CVV on the company card", "held"),
  S("swift code and account details for the Dubai wire, then explain the fees", "held"),
  S(
    "explain why this transfer to ES91 2100 0418 4502 0005 1332 bounced and compare it to last month's",
    "held",
  ),
  S("wire it to account no. 12345678, sort code 20-00-00", "held"),
  // government ids
  S("Her SSN is 123-45-6789, can you add it to her profile"),
  S("what is Tom's social security number"),
  S("passport numbers of the team travelling to the trade fair, and compare visa requirements"),
  S("tax id of each contractor so I can file the 1099s"),
  S("national insurance numbers for the new starters"),
  S("driver's license number of our delivery driver"),
  S("DNI de todos los empleados"),
  S("Steuer-ID und Sozialversicherungsnummer von Jonas"),
  S("رقم الهوية الوطنية للموظف"),
  S("list contractors with their tax identification numbers and the amounts paid, then compare", "held"),
  S("NIE y número de la seguridad social del nuevo repartidor", "held"),
  // health and HR
  S("Is Bob on sick leave?"),
  S("who has been off sick the most this year and is it affecting sales? explain the impact"),
  S("what medical condition does Ann have"),
  S("list staff on long-term sick leave with their diagnosis"),
  S("is anyone on the team pregnant? I need to plan maternity cover"),
  S("summarise the disciplinary notes for Kevin and compare with the performance reviews of the team"),
  S("performance review scores for every rep, then rank them and explain who to let go"),
  S("health insurance claims by employee"),
  S("baja médica de Pedro, ¿cuándo vuelve?"),
  S("Krankmeldungen im November nach Mitarbeiter"),
  S("الإجازات المرضية للموظفين هذا الشهر"),
  S("which employees have a disability and need workplace adjustments", "held"),
  S("grievance filed against the warehouse lead — summarise it and compare with earlier complaints", "held"),
  S("criminal record check results for the new drivers", "held"),
  // sensitive data arrives through the data, not the question
  S(
    "summarise the notes on the Delta deal",
    "tune",
    "Note: contact's card 4111 1111 1111 1111 exp 09/28, call after 6",
  ),
  S(
    "what's the latest on Riverside?",
    "tune",
    "Note: wire to IBAN GB82 WEST 1234 5698 7654 32 once PO lands",
  ),
  S("tell me about the Hooli deal", "held", "Note: buyer's SSN 123-45-6789 needed for credit application"),
  S(
    "what happened with Nordlicht",
    "held",
    "Notiz: Herr Weber ist seit Montag krankgeschrieben (Krankmeldung liegt vor)",
  ),
];

export const ORDINARY: Labelled[] = [
  // simple
  N("how is my business doing?", "simple"),
  N("deals", "simple"),
  N("show me the deals", "simple"),
  N("whats the biggest deal we have", "simple"),
  N("who owes us the most", "simple"),
  N("what was revenue in october", "simple"),
  N("how many deals did we win this quarter", "simple"),
  N("whats the average deal size", "simple"),
  N("whats our DSO", "simple"),
  N("my stuck deals", "simple"),
  N("what's going on with fjord seafood?", "simple"),
  N("overdue invoices", "simple"),
  N("cash position?", "simple"),
  N("how healthy is the pipeline", "simple"),
  N("pipeline health check", "simple"),
  N("who is the account manager for Acme", "simple"),
  N("is Monday a bank holiday?", "simple"),
  N("what's the win rate", "simple"),
  N("remind Acme about their invoice", "simple"),
  N("top 5 customers by revenue", "simple"),
  N("what is Acme's billing email", "simple"),
  N("phone number for the Acme buyer", "simple"),
  N("address of the Globex office for the delivery", "simple"),
  N("forecast revenue for 90 days", "simple"),
  N("Draft a follow-up to jane@acme.com about the Acme deal", "moderate"),
  N("cuántos tratos ganamos este mes", "simple"),
  N("Umsatz im Oktober", "simple"),
  N("ما هي الإيرادات في أكتوبر", "simple"),
  N("how much did we make last month", "simple"),
  N("what did we earn in september", "simple"),
  N("invoice INV-2026-0042 status", "simple"),
  N("sales rep leaderboard", "simple"),
  N("who is my best sales rep", "simple"),
  N("how many leads came in this week", "simple"),
  N("gross margin last month", "simple"),
  N("deals", "simple", "held"),
  N("any overdue invoices from Globex?", "simple", "held"),
  N("revenue this week", "simple", "held"),
  N("wie viele offene Rechnungen haben wir", "simple", "held"),
  N("facturas vencidas", "simple", "held"),
  N("who's the contact at Fjord Seafood", "simple", "held"),
  N("status of the Riverside deal", "simple", "held"),
  N("new deals this week", "simple", "held"),
  N("cash in the bank today", "simple", "held"),
  N("how many customers do we have", "simple", "held"),
  // moderate
  N("which deals are likely to close this month and what's the total value?", "simple"),
  N("summarise the pipeline for the Monday meeting", "moderate"),
  N("draft a polite reminder to Acme about invoice 1042 which is 20 days overdue", "moderate"),
  N("how did revenue in Q3 compare to Q2?", "moderate"),
  N("what's our cash runway if nothing new closes", "simple"),
  N("give me a short update on the three biggest deals in negotiation", "moderate"),
  N("write a WhatsApp message to Fjord Seafood confirming the delivery window", "moderate"),
  N("what should I focus on today?", "moderate"),
  N("how are we tracking against the revenue goal for December", "simple"),
  N("list the stuck deals and who owns them", "simple"),
  N("which customers pay late most often?", "simple"),
  N("cashflow if riverside slips 30 days", "simple"),
  N("summarise this week's new deals by stage", "moderate"),
  N("what's the expected cash at the end of next month", "simple"),
  N("draft a follow-up for the Globex proposal we sent last week", "moderate"),
  N("how many deals did each rep close this quarter", "simple"),
  N("¿qué tratos están atascados y quién los lleva?", "simple"),
  N("Wie entwickelt sich der Umsatz im Vergleich zum Vormonat?", "moderate"),
  N("bank reconciliation for November — which payments are unmatched?", "simple"),
  N("what changed in the pipeline since last Friday", "simple"),
  N("how much commission revenue did the partner channel bring in", "simple"),
  N("which invoices are due next week and from whom", "simple", "held"),
  N("give me a quick summary of Acme: deals, invoices, last contact", "moderate", "held"),
  N("how does this month's pipeline compare with last month?", "moderate", "held"),
  N("draft a thank-you note to Nordlicht for the signed order", "moderate", "held"),
  N("what's our average sales cycle and which stage is slowest", "simple", "held"),
  N("¿cómo vamos respecto al objetivo de ventas de este trimestre?", "simple", "held"),
  N("welche Kunden zahlen am spätesten?", "simple", "held"),
  N("summarise overdue invoices by customer", "moderate", "held"),
  // complex
  N(
    "Compare the Acme and Globex deals, explain why our Q3 margin fell versus Q2, then recommend which to prioritise and what trade-offs that implies. Also list the first three steps.",
    "complex",
  ),
  N(
    "Why did revenue drop in October compared to September, what are the main drivers, and what should we do about it over the next quarter?",
    "complex",
  ),
  N(
    "Analyse our pipeline by stage and rep, explain where deals get stuck and why, then recommend three concrete changes to the sales process with their expected impact.",
    "complex",
  ),
  N(
    "Given our current cash runway and the overdue invoices, should we delay the new hire or cut marketing spend? Walk me through the pros and cons of each option and the impact on cash.",
    "complex",
  ),
  N(
    "Build me a plan to reach $500k revenue by end of March: break down the gap by month, compare it with last year's seasonality and prioritise which deals to push first.",
    "complex",
  ),
  N(
    "Explain the root cause of the margin decline, compare product lines, then suggest pricing changes and estimate their impact on revenue and cash.",
    "complex",
  ),
  N(
    "What if the three largest deals slip a month? Analyse the impact on cash, compare with the base case and recommend what we should do first, then draft a note to the team.",
    "complex",
  ),
  N(
    "Compare win rates by rep and deal size, explain why the smaller deals close faster, and recommend how we should split leads between the reps next quarter.",
    "complex",
  ),
  N(
    "Look at collections over the last year, explain which customers drive our DSO up, compare their payment behaviour with the rest, and propose a strategy to bring DSO under 40 days.",
    "complex",
  ),
  N(
    "We're deciding between hiring another sales rep and spending on ads. Given our win rate, cycle time and cash, analyse both scenarios, compare the expected revenue, and recommend one with the risks.",
    "complex",
  ),
  N(
    "Analiza por qué bajaron las ventas en octubre frente a septiembre, compara por comercial y recomienda qué hacer primero y después.",
    "complex",
  ),
  N(
    "Analysiere, warum die Marge gesunken ist, vergleiche die Produktlinien und empfiehl eine Strategie mit Vor- und Nachteilen.",
    "complex",
  ),
  N(
    "Explain why the Riverside deal has been stuck for 75 days, compare it with similar deals we won, and recommend the next three steps with what each would change.",
    "complex",
    "held",
  ),
  N(
    "Break down our revenue by customer segment, analyse which segments are growing, compare margins across them, and recommend where we should focus sales effort next quarter, then draft the plan.",
    "complex",
    "held",
  ),
  N(
    "Should we offer Acme a 5% discount to close before year end? Analyse the impact on margin and cash, compare with waiting until January, and explain the trade-offs.",
    "complex",
    "held",
  ),
  N(
    "Compare this year's pipeline with last year's at the same point, explain the main differences, then prioritise the deals that would close the gap and justify the order.",
    "complex",
    "held",
  ),
  N(
    "¿Deberíamos contratar otro comercial o invertir en marketing? Analiza ambos escenarios, compara el impacto en caja y recomienda una opción con sus riesgos.",
    "complex",
    "held",
  ),
];

export const ROUTING_CORPUS: Labelled[] = [...SENSITIVE, ...ORDINARY];

export const expectedRoute = (l: Labelled): "local" | "small" | "large" =>
  l.sensitive ? "local" : l.level === "simple" ? "local" : l.level === "moderate" ? "small" : "large";

/**
 * Mechanical rephrasings of every sensitive question: a long preamble, a comparison and an
 * explanation, and extra steps — each pushes complexity up, none may push the question to the cloud.
 */
const WRAPS: ((q: string) => string)[] = [
  (q) =>
    `I'm preparing the board pack for Thursday and need to understand our cost structure properly, so could you help with this: ${q}`,
  (q) => `${q.replace(/[?.!]+$/, "")}, then compare them by region and explain the differences in detail`,
  (q) =>
    `First ${q.replace(/[?.!]+$/, "")}; also analyse why, recommend what we should do, and finally draft a note.`,
];
export const SENSITIVE_REPHRASED: Labelled[] = SENSITIVE.flatMap((l) =>
  WRAPS.map((w) => ({ ...l, q: w(l.q), split: "held" as const })),
);

/**
 * Written after the thresholds were chosen (0.16 / 0.5) and measured once without changes: the
 * honest agreement figure. Never tune on these.
 */
export const HELD_OUT: Labelled[] = [
  N("hey whats our revenue ytd", "simple", "held"),
  N("pls show overdue invoices for northwind", "simple", "held"),
  N("how many open deals does Sam have", "simple", "held"),
  N("largest invoice this month?", "simple", "held"),
  N("umsatz letzte woche", "simple", "held"),
  N("cuánto nos debe Globex", "simple", "held"),
  N("kpis", "simple", "held"),
  N("did Acme pay yet", "simple", "held"),
  N("write a short WhatsApp to Nordlicht saying the truck arrives Tuesday", "moderate", "held"),
  N("summarise what happened with Globex this month", "moderate", "held"),
  N("draft an email chasing invoice 2231 politely", "moderate", "held"),
  N("how does our win rate compare with last quarter?", "moderate", "held"),
  N("what should we do about the stuck deals?", "moderate", "held"),
  N("prepare a one-paragraph update for the investors", "moderate", "held"),
  N("schreib eine kurze Erinnerung an Müller GmbH wegen der offenen Rechnung", "moderate", "held"),
  N("redacta un mensaje para Acme confirmando la entrega", "moderate", "held"),
  N(
    "Why are our margins lower on the small deals than on the large ones, and should we stop taking deals under $5k? Explain the trade-offs with numbers.",
    "complex",
    "held",
  ),
  N(
    "Analyse the last six months of collections, explain which customers are getting slower to pay and why, and recommend a collection strategy for each group.",
    "complex",
    "held",
  ),
  N(
    "Compare our Q4 pipeline with the revenue goal, explain the gap, then prioritise the ten deals that could close it and suggest one action for each.",
    "complex",
    "held",
  ),
  N(
    "If we raise prices by 8% in January, what is the likely impact on win rate and cash? Compare it with a 4% rise and recommend one, with the risks.",
    "complex",
    "held",
  ),
  N(
    "Warum ist der Umsatz im Oktober gesunken? Vergleiche die Vertriebsmitarbeiter, analysiere die Ursachen und empfiehl die nächsten Schritte.",
    "complex",
    "held",
  ),
  N("لماذا انخفضت الإيرادات في أكتوبر مقارنة بسبتمبر؟ حلل الأسباب واقترح خطة", "complex", "held"),
  S("how much holiday pay is owed to each employee when they leave?", "held"),
  S("who on the team is getting divorced? it might explain the missed targets", "held"),
  S(
    "what are the salaries of the reps compared with the deals they closed, and who is worth keeping",
    "held",
  ),
  S("la dirección de casa de Pedro para enviarle el contrato", "held"),
  S("Kontonummer von Herrn Schmidt für die Rückerstattung", "held"),
  S("card ending 0005, full 5555 5555 5555 4444, expiry 10/29 — charge it again", "held"),
  S("who is on medical leave next week and how will that hit the pipeline? compare with last year", "held"),
];
