/**
 * Investor category (CVM Resolution 30, arts. 11 and 12): general by default; qualified or
 * professional only when the client declares it, on one of the grounds the rule accepts,
 * and signs the statement that goes with it. Products for qualified or professional
 * investors reach only clients of that category (or above).
 *
 * The statements are versioned like the questionnaire: never edited once signed; a new
 * wording is a new version, and each declaration keeps the version its client signed.
 */
import type { Audience } from "./product.ts";
import type { Locale } from "./subscriber.ts";

export type { Audience } from "./product.ts";

/**
 * Why a natural person is qualified (art. 12): over R$ 1 million in financial investments,
 * or a technical qualification exam or certification the CVM accepts (CPA-20, CEA, CFP,
 * CNPI…); professional (art. 11): over R$ 10 million, or registered with the CVM as an
 * investment agent, portfolio manager, analyst or consultant (for their own resources).
 */
export const categoryGrounds = {
	general: [],
	qualified: ["investments", "certification"],
	professional: ["investments", "registration"],
} as const satisfies Record<Audience, readonly string[]>;
export type CategoryGround = "investments" | "certification" | "registration";

export const audienceRank: Record<Audience, number> = { general: 0, qualified: 1, professional: 2 };

/** Every professional is also qualified (art. 12, I): a client may receive products up to their category. */
export const mayReceive = (client: Audience, product: Audience): boolean =>
	audienceRank[client] >= audienceRank[product];

type Statement = Record<Locale, string>;

export interface StatementSet {
	version: string;
	statements: {
		qualified: Record<"investments" | "certification", Statement>;
		professional: Record<"investments" | "registration", Statement>;
	};
}

const qualifiedCommon: Statement = {
	"pt-BR":
		"Ao assinar este termo, afirmo minha condição de investidor qualificado e declaro possuir conhecimentos sobre o mercado financeiro e de capitais suficientes para que não me sejam aplicáveis um conjunto de proteções legais e regulamentares conferidas aos investidores que não sejam qualificados. Como investidor qualificado, atesto ainda que sou capaz de entender e ponderar os riscos financeiros relacionados à aplicação de meus recursos em valores mobiliários que só podem ser adquiridos por investidores qualificados.",
	en: "By signing this statement, I affirm that I am a qualified investor and declare that I have enough knowledge of the financial and capital markets that a set of legal and regulatory protections given to investors who are not qualified does not apply to me. As a qualified investor, I also attest that I am able to understand and weigh the financial risks of investing my resources in securities that only qualified investors may acquire.",
};

const professionalCommon: Statement = {
	"pt-BR":
		"Ao assinar este termo, afirmo minha condição de investidor profissional e declaro possuir conhecimentos sobre o mercado financeiro e de capitais suficientes para que não me sejam aplicáveis um conjunto de proteções legais e regulamentares conferidas aos investidores que não sejam profissionais. Como investidor profissional, atesto ainda que sou capaz de entender e ponderar os riscos financeiros relacionados à aplicação de meus recursos em valores mobiliários que só podem ser adquiridos por investidores profissionais.",
	en: "By signing this statement, I affirm that I am a professional investor and declare that I have enough knowledge of the financial and capital markets that a set of legal and regulatory protections given to investors who are not professional does not apply to me. As a professional investor, I also attest that I am able to understand and weigh the financial risks of investing my resources in securities that only professional investors may acquire.",
};

const withGround = (common: Statement, ground: Statement): Statement => ({
	"pt-BR": `${common["pt-BR"]} ${ground["pt-BR"]}`,
	en: `${common.en} ${ground.en}`,
});

const statements202612: StatementSet = {
	version: "2026-12",
	statements: {
		qualified: {
			investments: withGround(qualifiedCommon, {
				"pt-BR":
					"Afirmo, ainda, que possuo investimentos financeiros em valor superior a R$ 1.000.000,00 (um milhão de reais) (Resolução CVM nº 30, art. 12, II).",
				en: "I further affirm that I hold financial investments worth more than R$ 1,000,000.00 (one million reais) (CVM Resolution 30, art. 12, II).",
			}),
			certification: withGround(qualifiedCommon, {
				"pt-BR":
					"Afirmo, ainda, que fui aprovado em exame de qualificação técnica ou possuo certificação aprovada pela CVM como requisito para o registro de assessores de investimento, administradores de carteira, analistas ou consultores de valores mobiliários, e que esta declaração se refere aos meus recursos próprios (Resolução CVM nº 30, art. 12, III).",
				en: "I further affirm that I passed a technical qualification exam or hold a certification the CVM accepts for the registration of investment advisers, portfolio managers, securities analysts or consultants, and that this statement concerns my own resources (CVM Resolution 30, art. 12, III).",
			}),
		},
		professional: {
			investments: withGround(professionalCommon, {
				"pt-BR":
					"Afirmo, ainda, que possuo investimentos financeiros em valor superior a R$ 10.000.000,00 (dez milhões de reais) (Resolução CVM nº 30, art. 11, IV).",
				en: "I further affirm that I hold financial investments worth more than R$ 10,000,000.00 (ten million reais) (CVM Resolution 30, art. 11, IV).",
			}),
			registration: withGround(professionalCommon, {
				"pt-BR":
					"Afirmo, ainda, que sou assessor de investimento, administrador de carteira, analista ou consultor de valores mobiliários autorizado pela CVM, e que esta declaração se refere aos meus recursos próprios (Resolução CVM nº 30, art. 11, VII).",
				en: "I further affirm that I am an investment adviser, portfolio manager, securities analyst or consultant authorised by the CVM, and that this statement concerns my own resources (CVM Resolution 30, art. 11, VII).",
			}),
		},
	},
};

/** Every wording clients may have signed, by version. */
export const statementSets: Record<string, StatementSet> = { [statements202612.version]: statements202612 };
export const currentStatements: StatementSet = statements202612;

/** The statement a declaration signs, in a language; undefined for general (nothing to sign). */
export function statementText(
	set: StatementSet,
	category: Audience,
	ground: CategoryGround | undefined,
	locale: Locale,
): string | undefined {
	if (category === "general") return undefined;
	const byGround = set.statements[category] as Record<string, Statement>;
	return byGround[ground ?? "investments"]?.[locale];
}
