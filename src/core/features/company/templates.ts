/**
 * Pipeline templates a new company starts from. Each stage carries the rules the cashflow,
 * forecast and stuck-deal logic read: win probability, typical days in stage, days after which a
 * deal counts as stuck, and the checklist of facts required in that stage.
 */
export interface StageSpec {
  name: string;
  probability: number;
  cycleDays: number;
  stuckAfterDays: number;
  checklist: string[];
  isInvoiced?: boolean;
  isWon?: boolean;
  isLost?: boolean;
}

export interface PipelineTemplate {
  id: string;
  title: string;
  pipelineName: string;
  stages: StageSpec[];
}

const won: StageSpec = {
  name: "Won",
  probability: 1,
  cycleDays: 0,
  stuckAfterDays: 9999,
  checklist: [],
  isWon: true,
};
const lost: StageSpec = {
  name: "Lost",
  probability: 0,
  cycleDays: 0,
  stuckAfterDays: 9999,
  checklist: [],
  isLost: true,
};

/** A distributor / manufacturer: the sale goes on through order, delivery and invoice (the demo's pipeline). */
const B2B_SALES: PipelineTemplate = {
  id: "b2b-sales",
  title: "B2B sales with order, delivery and invoice stages",
  pipelineName: "Sales",
  stages: [
    { name: "Lead", probability: 0.1, cycleDays: 14, stuckAfterDays: 30, checklist: [] },
    {
      name: "Qualified",
      probability: 0.25,
      cycleDays: 14,
      stuckAfterDays: 30,
      checklist: ["budget confirmed", "decision maker identified"],
    },
    {
      name: "Proposal Sent",
      probability: 0.4,
      cycleDays: 21,
      stuckAfterDays: 30,
      checklist: ["proposal sent"],
    },
    {
      name: "Negotiation",
      probability: 0.6,
      cycleDays: 14,
      stuckAfterDays: 30,
      checklist: ["pricing approved"],
    },
    {
      name: "Order Received",
      probability: 0.8,
      cycleDays: 10,
      stuckAfterDays: 20,
      checklist: ["end user identified", "PO attached"],
    },
    {
      name: "Production/Supplying",
      probability: 0.85,
      cycleDays: 45,
      stuckAfterDays: 60,
      checklist: ["supplier confirmed"],
    },
    {
      name: "Under Progress",
      probability: 0.9,
      cycleDays: 22,
      stuckAfterDays: 40,
      checklist: ["delivery schedule agreed"],
    },
    {
      name: "Awaiting GR",
      probability: 0.95,
      cycleDays: 5,
      stuckAfterDays: 15,
      checklist: ["goods receipt requested"],
    },
    { name: "Invoiced", probability: 1, cycleDays: 0, stuckAfterDays: 60, checklist: [], isInvoiced: true },
    won,
    lost,
  ],
};

/** An agency or consultancy: scoped, proposed, signed, delivered in milestones, invoiced. */
const SERVICES: PipelineTemplate = {
  id: "services",
  title: "Services / agency: brief, scope, proposal, contract, delivery",
  pipelineName: "Projects",
  stages: [
    { name: "Inquiry", probability: 0.1, cycleDays: 7, stuckAfterDays: 14, checklist: [] },
    {
      name: "Discovery Call",
      probability: 0.2,
      cycleDays: 7,
      stuckAfterDays: 14,
      checklist: ["brief received"],
    },
    {
      name: "Scoping",
      probability: 0.35,
      cycleDays: 10,
      stuckAfterDays: 21,
      checklist: ["scope agreed", "budget range known"],
    },
    {
      name: "Proposal Sent",
      probability: 0.5,
      cycleDays: 14,
      stuckAfterDays: 21,
      checklist: ["proposal sent"],
    },
    {
      name: "Contract Signed",
      probability: 0.85,
      cycleDays: 7,
      stuckAfterDays: 14,
      checklist: ["signed contract", "deposit invoiced"],
    },
    {
      name: "In Delivery",
      probability: 0.9,
      cycleDays: 30,
      stuckAfterDays: 45,
      checklist: ["kick-off held"],
    },
    { name: "Invoiced", probability: 1, cycleDays: 0, stuckAfterDays: 45, checklist: [], isInvoiced: true },
    won,
    lost,
  ],
};

/** The smallest useful pipeline: four open stages, then won or lost. */
const SIMPLE: PipelineTemplate = {
  id: "simple",
  title: "Simple: lead, qualified, proposal, negotiation",
  pipelineName: "Sales",
  stages: [
    { name: "Lead", probability: 0.1, cycleDays: 14, stuckAfterDays: 30, checklist: [] },
    { name: "Qualified", probability: 0.3, cycleDays: 14, stuckAfterDays: 30, checklist: ["need confirmed"] },
    { name: "Proposal", probability: 0.5, cycleDays: 14, stuckAfterDays: 30, checklist: ["proposal sent"] },
    { name: "Negotiation", probability: 0.7, cycleDays: 14, stuckAfterDays: 30, checklist: [] },
    won,
    lost,
  ],
};

export const PIPELINE_TEMPLATES: Record<string, PipelineTemplate> = {
  "b2b-sales": B2B_SALES,
  services: SERVICES,
  simple: SIMPLE,
};

export const DEFAULT_TEMPLATE = "b2b-sales";
