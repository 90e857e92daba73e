"""Message catalogues: every sentence a report shows, per language, with named placeholders.

No sentence is built by concatenation: a renderer looks a message up by key and
fills its placeholders with values already formatted for the language (amounts
per currency, months per language, rates as percentages). Strings from the
scenario (loan names, lenders) are substituted as plain text; each renderer
escapes the finished sentence for its own format (HTML, Markdown).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.money import format_money, to_cents
from ..domain.months import month_label

LANGUAGES = ("en", "zh")

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        # titles and labels
        "title": "Debt repayment report",
        "subtitle": "Loans: {n_loans}. Owed: {owed}. Plan from {start}; every figure replayed by the ledger.",
        "method_optimal": "The plan below is the optimizer's ({status}).",
        "method_heuristic": "The plan below is the best of the heuristics ({strategy}); the optimizer was not used.",
        "section_summary": "Summary",
        "section_plan": "The plan, month by month",
        "section_reasons": "Why each payment",
        "section_comparison": "Compared with the usual strategies",
        "section_borrowing": "Borrowing from one lender to pay another",
        "section_value": "What more cash would be worth",
        "section_whatif": "What if the budget changes",
        "section_loans": "Loans",
        "section_charts": "Charts",
        "section_proposals": "Letters to each lender",
        "chart_balances": "Balance of each loan at the end of each month (stacked)",
        "chart_payments": "Payments each month by loan (stacked)",
        "chart_cost": "Cost (interest, penalty interest, fees) by strategy",
        "chart_overdue": "Overdue months: loan by month (dark = overdue after the month's payment)",
        "col_month": "month",
        "col_cash": "cash",
        "col_saved": "saved",
        "col_loan": "loan",
        "col_name": "name",
        "col_lender": "lender",
        "col_paid": "paid",
        "col_interest": "interest",
        "col_penalty": "penalty interest",
        "col_fees": "fees",
        "col_cost": "cost",
        "col_overdue": "overdue months",
        "col_escalations": "escalations",
        "col_payoff": "paid off",
        "col_remaining": "still owed",
        "col_strategy": "strategy",
        "col_saving": "this plan saves",
        "col_closed": "closed",
        "col_reasons": "reasons",
        "col_payment": "payment",
        "col_due": "due",
        "col_balance": "balance after",
        "col_extra": "extra cash",
        "col_effect": "effect",
        "col_budget": "budget",
        "never": "not paid off",
        "none": "none",
        "overdue_mark": "(overdue)",
        "closed_mark": "(closed)",
        "strategy_optimal": "optimal",
        "strategy_minimum": "minimum payments",
        "strategy_avalanche": "avalanche (dearest first)",
        "strategy_snowball": "snowball (smallest first)",
        "strategy_balance-matching": "in proportion to balances",
        # offers (offers.md)
        "section_offers": "Offers",
        "offers_intro": "Each offer's all-in annual cost is the internal rate of return of its cash flows, fees included (12 times the monthly rate; the effective rate in brackets).",
        "offer_kind_consolidation": "consolidation loan",
        "offer_kind_balance-transfer": "balance transfer",
        "offer_kind_cash-loan": "cash loan",
        "offer_kind_asset-sale": "asset sale",
        "offer_kind_hardship-plan": "hardship plan",
        "offer_borrow": "{name} ({kind}, up to {amount}, {window}): all-in cost {rate} a year ({effective}).",
        "offer_sale": "{name} ({kind}, {window}): sells for {amount}; keeping it is worth {keep}.",
        "offer_hardship": "{name} ({kind} for {loan}, {window}): {term} monthly installments at {rate} a year, a fee of {fee} of the balance, {grace} months with nothing due, {waive} of the penalty interest and fees forgiven.",
        "offer_window": "{first} to {last}",
        "offer_line_0.36": "Warning: above 36 % a year. Interest past this line was void under the Supreme People's Court's 2015 private-lending interpretation, and the 2017 cash-loan notice (整治办函〔2017〕141号) forbids loans that cost more.",
        "offer_line_0.24": "Warning: above 24 % a year, the line up to which the Supreme People's Court's 2015 private-lending interpretation protected interest, and the cap regulators expect of consumer lenders' all-in cost.",
        "offer_taken": "This plan takes it in {month}: {amount}.",
        "offer_taken_plain": "This plan takes it in {month}.",
        "offer_not_taken": "This plan does not take it.",
        "offer_worth": "Without it, the best plan would have {what}.",
        "offer_worth_bound": "Without it, the best plan found (not proved optimal) has {what}.",
        "offer_worth_none": "Without it, the best plan would be as good.",
        "offer_worth_escalations": "{n} more account(s) escalating",
        "offer_worth_overdue": "{n} more overdue loan-month(s)",
        "offer_worth_remaining": "{amount} more still owed",
        "offer_worth_cost": "{amount} more net cost",
        "offer_worth_less_cost": "{amount} less net cost",
        "strategy_urgency": "urgency (closest to escalation first)",
        "strategy_custom": "your own order",
        # verdict
        "verdict_paid_off": "Every loan is paid off in {payoff}.",
        "verdict_remaining": "{remaining} is still owed at the end of the plan ({end}).",
        "verdict_extra": "{extra} more a month would have closed every loan by {end}.",
        "verdict_no_escalation": "No account escalates.",
        "verdict_escalations": "Accounts that escalate: {escalated}.",
        "verdict_escalation_item": "{loan} in {month}",
        "verdict_overdue": "Loan-months overdue: {overdue}.",
        "verdict_cost": "Interest, penalty interest and fees cost {cost} in all (interest {interest}, penalty interest {penalty}, fees {fees}).",
        "list_sep": ", ",
        "sentence_sep": " ",
        # reasons: month level
        "r_short_cash_month": "The cash this month ({cash}) is less than the dues ({dues}): {gap} of them go unpaid.",
        "r_save_next": "{saved} is kept in hand: next month's dues ({next_due}) are more than next month's cash ({next_cash}).",
        "r_save_rest": "{saved} is kept in hand.",
        "r_all_closed": "Every loan is closed; {saved} is left over.",
        # reasons: loan level
        "r_min_due": "{loan}: pays the {due} due.",
        "r_dearest": "{loan}: {extra} more than the due, because at {rate} a year it is the dearest money; the next dearest, {other}, costs {other_rate}.",
        "r_dearest_alone": "{loan}: {extra} more than the due, because at {rate} a year it is the dearest money left.",
        "r_dearest_penalty": "{loan}: paid into its arrears first, because its penalty rate of {rate} a year is the dearest money; the next dearest, {other}, costs {other_rate}.",
        "r_extra_not_dearest": "{loan}: {extra} more than the due, although {other} costs more ({other_rate} a year against {rate}).",
        "r_stop_escalation": "{loan}: clears its arrears (months overdue so far: {months_overdue}); left unpaid it would have escalated (overdue months in a row: {escalation_months}) in {escalation_month}.",
        "r_still_overdue": "{loan}: {shortfall} of the {due} due stays unpaid; the loan stays overdue (months in a row: {run}).",
        "r_escalated": "{loan}: its overdue months in a row reach {escalation_months} this month: the account escalates.",
        "r_close": "{loan}: this payment closes the loan.",
        "r_promo_ending": "{loan}: its promotional rate ends after {promo_end_month}; from then it costs {rate} a year.",
        "r_short_for_urgent": "{loan}: goes {shortfall} short so that {other} (months overdue: {other_run}), closer to escalation, is paid first.",
        "r_short_too_big": "{loan}: goes {shortfall} short: its due ({due}) is more than all the cash this month ({cash}), so the cash goes where it keeps loans current.",
        "r_short_keep_current": "{loan}: goes {shortfall} short; the cash keeps {others} current instead, so fewer loans are overdue.",
        "r_short_for_dearer": "{loan}: goes {shortfall} short because {other} costs more when unpaid (penalty interest and late fee: {other_month_cost} of the unpaid amount a month, against {month_cost}): about {cost_more} more a month.",
        "r_short_save": "{loan}: goes {shortfall} short while {saved} is kept for next month.",
        "r_short_cash": "{loan}: goes {shortfall} short: no cash is left this month.",
        "r_short_plan": "{loan}: goes {shortfall} short: this strategy spreads the cash over all the dues.",
        # comparison
        "cmp_intro": "Each row is a whole plan replayed by the ledger. Plans are ranked by escalations, then overdue loan-months, then what is still owed, then net cost.",
        "cmp_better": "Against {strategy}: this plan saves {cost_saved} ({penalty_saved} penalty interest, {fees_saved} fees); escalations {other_esc} → {main_esc}, overdue loan-months {other_overdue} → {main_overdue}.",
        "cmp_worse_cost": "Against {strategy}: that plan costs {cost_saved} less, but it ranks lower: escalations {other_esc} → {main_esc}, overdue loan-months {other_overdue} → {main_overdue}.",
        "cmp_same": "Against {strategy}: the same outcome.",
        "cmp_other_cheaper": "Against {strategy}: that plan costs {cost_saved} less, with no more escalations or overdue loan-months.",
        "cmp_other_fewer": "Against {strategy}: that plan ranks higher: escalations {other_esc} → {main_esc}, overdue loan-months {other_overdue} → {main_overdue}.",
        # borrowing
        "borrow_none": "The plan leaves no due unpaid, so there is nothing to borrow for.",
        "borrow_intro": "Covering every due this plan leaves unpaid would need {amount}. Borrowing it in {month} from a new online lender (以贷养贷), repaid over {term} months, and then following {strategy}:",
        "borrow_row": "At {rate} a year the new loan costs {new_interest} in interest; total cost {cost} against {base_cost} without it; escalations {escalations} (without: {base_escalations}); overdue loan-months {overdue} (without: {base_overdue}).",
        "borrow_verdict_worse": "Borrowing to pay debts costs more here and only moves the debt to a new lender.",
        "borrow_verdict_better": "Here borrowing would avoid escalations or overdue months, but only if the new lender really lends at that rate; most such loans are dearer, and the new debt must be repaid too.",
        # value of money
        "value_method_replay": "Method: {strategy} replayed with {unit} more cash in each month in turn (the solver's cash duals are not available).",
        "value_method_dual": "Method: the solved model with its binary choices fixed; the dual values of the cash rows.",
        "value_row": "An extra {unit} in {month} saves {saves}.",
        "value_row_overdue": "An extra {unit} in {month} saves {saves}, and overdue loan-months fall by {overdue_fewer}.",
        "value_row_escalation": "An extra {unit} in {month} saves {saves}, and escalations fall by {escalations_fewer}.",
        "value_none": "An extra {unit} in any month saves nothing worth showing.",
        "whatif_row": "With the budget {change} ({budget} a month): cost {cost}, escalations {escalations}, overdue loan-months {overdue}, {payoff_text}",
        "whatif_up": "10 % higher",
        "whatif_down": "10 % lower",
        "whatif_payoff": "paid off in {payoff}.",
        "whatif_remaining": "{remaining} still owed at the end.",
        # proposals
        "letter_subject": "Request for an installment plan: {loans}",
        "letter_to": "To {lender},",
        "letter_body": "I owe you {owed} in all ({loans}), of which {arrears} is past due. My income has fallen and I have several lenders to repay. I am writing to ask for a repayment plan I can keep rather than fall further behind.",
        "letter_body_current": "I owe you {owed} in all ({loans}). My income has fallen and I have several lenders to repay. I am writing to ask for a repayment plan I can keep, so that I do not fall behind.",
        "letter_offer": "I can pay {first_amount} in {first_month}, and then the amounts below each month, until the debt is repaid in {last_month} ({total} in all).",
        "letter_offer_unpaid": "I can pay {first_amount} in {first_month}, and then the amounts below each month; {remaining} would still be owed in {last_month}.",
        "letter_evidence": "This schedule comes from a full plan for all my debts, attached: it pays every lender from the same budget, month by month.",
        "letter_ask": "Please confirm that you accept this schedule, and that the account will not be passed to collection while it is kept.",
        "letter_close": "Yours sincerely,",
        "letter_none": "No payment to this lender is planned.",
        "letter_appendix": "Attachment: the full plan for all my debts (payments by month; ! = overdue after the month's payment)",
    },
    "zh": {
        "title": "还款计划报告",
        "subtitle": "共 {n_loans} 笔借款，欠款 {owed}，计划自 {start} 起；所有数字均由账本逐月重算",
        "method_optimal": "以下计划由优化器求得（{status}）。",
        "method_heuristic": "以下计划是各常用策略中最好的一种（{strategy}）；未使用优化器。",
        "section_summary": "概要",
        "section_plan": "逐月还款计划",
        "section_reasons": "每笔还款的理由",
        "section_comparison": "与常用还款策略比较",
        "section_borrowing": "以贷养贷：借新还旧的代价",
        "section_value": "多一笔钱值多少",
        "section_whatif": "预算变化会怎样",
        "section_loans": "借款",
        "section_charts": "图表",
        "section_proposals": "致各贷款机构的协商还款函",
        "chart_balances": "每笔借款的月末余额（堆叠）",
        "chart_payments": "每月各笔借款的还款额（堆叠）",
        "chart_cost": "各策略的费用（利息、罚息、违约金）",
        "chart_overdue": "逾期月份：借款 × 月份（深色 = 当月还款后仍逾期）",
        "col_month": "月份",
        "col_cash": "可用资金",
        "col_saved": "结余",
        "col_loan": "借款",
        "col_name": "名称",
        "col_lender": "贷款机构",
        "col_paid": "已还",
        "col_interest": "利息",
        "col_penalty": "罚息",
        "col_fees": "违约金",
        "col_cost": "费用",
        "col_overdue": "逾期月数",
        "col_escalations": "升级催收",
        "col_payoff": "还清",
        "col_remaining": "仍欠",
        "col_strategy": "策略",
        "col_saving": "本计划节省",
        "col_closed": "结清",
        "col_reasons": "理由",
        "col_payment": "还款",
        "col_due": "应还",
        "col_balance": "还款后余额",
        "col_extra": "多出的钱",
        "col_effect": "效果",
        "col_budget": "预算",
        "never": "未还清",
        "none": "无",
        "overdue_mark": "（逾期）",
        "closed_mark": "（结清）",
        "strategy_optimal": "最优",
        "strategy_minimum": "只还最低",
        "strategy_avalanche": "雪崩法（利率最高先还）",
        "strategy_snowball": "雪球法（余额最小先还）",
        "strategy_balance-matching": "按余额比例分摊",
        # offers (offers.md)
        "section_offers": "可选方案",
        "offers_intro": "每个方案的综合年化成本，是其全部现金流（含各项费用）的内部收益率（月利率乘以 12；括号内为复利年化）。",
        "offer_kind_consolidation": "债务整合贷款",
        "offer_kind_balance-transfer": "余额转移",
        "offer_kind_cash-loan": "现金借款",
        "offer_kind_asset-sale": "变卖资产",
        "offer_kind_hardship-plan": "个性化分期",
        "offer_borrow": "{name}（{kind}，最多 {amount}，{window}）：综合年化成本 {rate}（{effective}）。",
        "offer_sale": "{name}（{kind}，{window}）：可卖 {amount}；留着它对您值 {keep}。",
        "offer_hardship": "{name}（{loan} 的{kind}，{window}）：分 {term} 期按月还，年利率 {rate}，手续费为余额的 {fee}，{grace} 个月无需还款，减免 {waive} 的罚息和违约金。",
        "offer_window": "{first} 至 {last}",
        "offer_line_0.36": "注意：年化超过 36%。按最高人民法院 2015 年民间借贷司法解释，超过这条线的利息无效；2017 年《关于规范整顿“现金贷”业务的通知》（整治办函〔2017〕141号）禁止综合成本更高的贷款。",
        "offer_line_0.24": "注意：年化超过 24%。这是最高人民法院 2015 年民间借贷司法解释保护的上限，也是监管对消费贷款综合成本的要求。",
        "offer_taken": "本计划在 {month} 采用，金额 {amount}。",
        "offer_taken_plain": "本计划在 {month} 采用。",
        "offer_not_taken": "本计划不采用。",
        "offer_worth": "如果不用它，最优计划会多出{what}。",
        "offer_worth_bound": "如果不用它，找到的最好计划（未证明最优）多出{what}。",
        "offer_worth_none": "不用它，最优计划也一样好。",
        "offer_worth_escalations": " {n} 个升级催收的账户",
        "offer_worth_overdue": " {n} 个逾期月",
        "offer_worth_remaining": "未还清余额 {amount}",
        "offer_worth_cost": "净成本 {amount}",
        "offer_worth_less_cost": "（但净成本少 {amount}）",
        "strategy_urgency": "紧急优先（最接近升级催收先还）",
        "strategy_custom": "您自己的顺序",
        "verdict_paid_off": "所有借款于 {payoff} 还清。",
        "verdict_remaining": "计划结束时（{end}）仍欠 {remaining}。",
        "verdict_extra": "每月多还 {extra}，即可在 {end} 前还清所有借款。",
        "verdict_no_escalation": "没有账户升级催收。",
        "verdict_escalations": "升级催收的账户：{escalated}。",
        "verdict_escalation_item": "{loan}（{month}）",
        "verdict_overdue": "逾期的借款月数：{overdue}。",
        "verdict_cost": "利息、罚息和违约金共计 {cost}（利息 {interest}，罚息 {penalty}，违约金 {fees}）。",
        "list_sep": "、",
        "sentence_sep": "",
        "r_short_cash_month": "本月可用资金（{cash}）少于应还总额（{dues}），有 {gap} 还不上。",
        "r_save_next": "留下 {saved}：下个月应还 {next_due}，多于下个月的可用资金 {next_cash}。",
        "r_save_rest": "留下 {saved}。",
        "r_all_closed": "所有借款已结清，余下 {saved}。",
        "r_min_due": "{loan}：还清本月应还 {due}。",
        "r_dearest": "{loan}：比应还多还 {extra}，因为它年化 {rate}，是最贵的钱；其次是{other}，年化 {other_rate}。",
        "r_dearest_alone": "{loan}：比应还多还 {extra}，因为它年化 {rate}，是剩下最贵的钱。",
        "r_dearest_penalty": "{loan}：先还逾期部分，因为罚息年化 {rate}，是最贵的钱；其次是{other}，年化 {other_rate}。",
        "r_extra_not_dearest": "{loan}：比应还多还 {extra}，尽管{other}更贵（年化 {other_rate}，对比 {rate}）。",
        "r_stop_escalation": "{loan}：还清逾期欠款，此前已逾期 {months_overdue} 个月；若不还，将于 {escalation_month} 达到逾期 {escalation_months} 个月（升级催收）。",
        "r_still_overdue": "{loan}：本月应还 {due} 中有 {shortfall} 未还，仍处于逾期（连续 {run} 个月）。",
        "r_escalated": "{loan}：本月连续逾期达到 {escalation_months} 个月，账户升级催收。",
        "r_close": "{loan}：这笔还款结清该借款。",
        "r_promo_ending": "{loan}：优惠利率在 {promo_end_month} 之后结束，此后年化 {rate}。",
        "r_short_for_urgent": "{loan}：少还 {shortfall}，先保证已逾期 {other_run} 个月、更接近升级催收的{other}。",
        "r_short_too_big": "{loan}：少还 {shortfall}：其应还款 {due} 超过本月全部可用资金 {cash}，所以把钱用在能保持不逾期的借款上。",
        "r_short_keep_current": "{loan}：少还 {shortfall}，把钱用来保证{others}不逾期，使逾期的借款更少。",
        "r_short_for_dearer": "{loan}：少还 {shortfall}，因为{other}逾期更贵（罚息加违约金：每月为未还金额的 {other_month_cost}，对比 {month_cost}），每月约多花 {cost_more}。",
        "r_short_save": "{loan}：少还 {shortfall}，同时留下 {saved} 用于下个月。",
        "r_short_cash": "{loan}：少还 {shortfall}：本月已没有钱了。",
        "r_short_plan": "{loan}：少还 {shortfall}：该策略把钱按比例分给所有应还款。",
        "cmp_intro": "每一行都是由账本逐月重算的完整计划。排序依次看：升级催收账户数、逾期借款月数、期末仍欠金额、净费用。",
        "cmp_better": "与{strategy}相比：本计划节省 {cost_saved}（罚息 {penalty_saved}，违约金 {fees_saved}）；升级催收 {other_esc} → {main_esc}，逾期借款月数 {other_overdue} → {main_overdue}。",
        "cmp_worse_cost": "与{strategy}相比：那个计划费用少 {cost_saved}，但排名更低：升级催收 {other_esc} → {main_esc}，逾期借款月数 {other_overdue} → {main_overdue}。",
        "cmp_same": "与{strategy}相比：结果相同。",
        "cmp_other_cheaper": "与{strategy}相比：那个计划费用少 {cost_saved}，升级催收和逾期并不更多。",
        "cmp_other_fewer": "与{strategy}相比：那个计划排名更高：升级催收 {other_esc} → {main_esc}，逾期借款月数 {other_overdue} → {main_overdue}。",
        "borrow_none": "本计划没有未还的应还款，不需要借钱。",
        "borrow_intro": "要还上本计划中所有未还的应还款，需要 {amount}。若在 {month} 向新的网贷机构借这笔钱（以贷养贷），分 {term} 个月还，再按{strategy}还款：",
        "borrow_row": "年化 {rate} 时，新借款的利息为 {new_interest}；总费用 {cost}，不借则为 {base_cost}；升级催收 {escalations} 个（不借：{base_escalations}）；逾期借款月数 {overdue}（不借：{base_overdue}）。",
        "borrow_verdict_worse": "在这里以贷养贷花得更多，只是把债务转到了新的贷款机构。",
        "borrow_verdict_better": "在这里借新还旧可以避免升级催收或逾期，但前提是新贷款真的是这个利率；这类贷款大多更贵，而且新债同样要还。",
        "value_method_replay": "方法：把每个月依次多给 {unit}，按{strategy}重新逐月计算（没有求解器的资金对偶值）。",
        "value_method_dual": "方法：固定求解模型中的整数决策后，取各月资金约束的对偶值。",
        "value_row": "{month} 多 {unit}，可节省 {saves}。",
        "value_row_overdue": "{month} 多 {unit}，可节省 {saves}，逾期借款月数减少 {overdue_fewer}。",
        "value_row_escalation": "{month} 多 {unit}，可节省 {saves}，升级催收的账户减少 {escalations_fewer} 个。",
        "value_none": "任何一个月多 {unit} 都省不了多少。",
        "whatif_row": "预算{change}（每月 {budget}）：费用 {cost}，升级催收 {escalations} 个，逾期借款月数 {overdue}，{payoff_text}",
        "whatif_up": "提高 10%",
        "whatif_down": "降低 10%",
        "whatif_payoff": "{payoff} 还清。",
        "whatif_remaining": "期末仍欠 {remaining}。",
        "letter_subject": "关于申请分期还款的函：{loans}",
        "letter_to": "{lender}：",
        "letter_body": "本人在贵机构共欠款 {owed}（{loans}），其中逾期 {arrears}。由于收入下降，且需同时偿还多家机构的借款，特此申请一个我能够履行的还款计划，以免进一步逾期。",
        "letter_body_current": "本人在贵机构共欠款 {owed}（{loans}）。由于收入下降，且需同时偿还多家机构的借款，特此申请一个我能够履行的还款计划，以免逾期。",
        "letter_offer": "我可以在 {first_month} 还款 {first_amount}，此后每月按下表还款，至 {last_month} 全部还清（共 {total}）。",
        "letter_offer_unpaid": "我可以在 {first_month} 还款 {first_amount}，此后每月按下表还款；至 {last_month} 仍欠 {remaining}。",
        "letter_evidence": "该还款表出自我全部债务的完整还款计划（见附件）：同一份预算，逐月偿还每一家机构。",
        "letter_ask": "恳请贵机构确认接受此还款安排，并在我按计划还款期间不将账户转交催收。",
        "letter_close": "此致\n敬礼",
        "letter_none": "本计划中没有对该机构的还款。",
        "letter_appendix": "附件：我全部债务的完整还款计划（逐月还款；! = 当月还款后仍逾期）",
    },
}


def check_catalogues() -> list[str]:
    """Keys present in one language and missing in another (empty when complete)."""
    keys = {lang: set(messages) for lang, messages in CATALOGUE.items()}
    every = set().union(*keys.values())
    return sorted(f"{lang}:{key}" for lang in keys for key in every - keys[lang])


class Formatter:
    """Amounts, months, rates and sentences in one language and currency."""

    def __init__(self, lang: str, currency: str, start: str, names: dict[str, str] | None = None) -> None:
        if lang not in CATALOGUE:
            raise ValueError(f"no messages for language '{lang}'; choose one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self.currency = currency
        self.start = start
        self.names = names or {}
        self.messages = CATALOGUE[lang]

    def money(self, amount: Decimal | float | int) -> str:
        """¥1,234.56 / $1,234.56 (an int is cents; Decimal and float are currency units)."""
        cents = amount if isinstance(amount, int) and not isinstance(amount, bool) else to_cents(Decimal(str(amount)))
        return format_money(cents, self.currency)

    def month(self, t: int) -> str:
        """Plan month t as 'Mar 2027' or '2027年3月'."""
        year, month = (int(part) for part in month_label(self.start, t).split("-"))
        if self.lang == "zh":
            return f"{year}年{month}月"
        return f"{_EN_MONTHS[month - 1]} {year}"

    def rate(self, annual: float | Decimal) -> str:
        """An annual rate as a percentage with two decimals: 18.25%."""
        value = Decimal(str(annual)) * 100
        return f"{value.quantize(Decimal('0.01'))}%"

    def loan(self, loan_id: str) -> str:
        return self.names.get(loan_id, loan_id)

    def strategy(self, name: str) -> str:
        return self.messages.get(f"strategy_{name}", name)

    def text(self, key: str, **values: Any) -> str:
        """The message `key` with its placeholders filled (values already formatted)."""
        return self.messages[key].format(**values)

    def join(self, items: list[str]) -> str:
        return self.messages["list_sep"].join(items)

    def sentences(self, items: list[str]) -> str:
        return self.messages["sentence_sep"].join(items)


# How each reason parameter is shown: JSON carries numbers, sentences carry text.
MONEY_KEYS = frozenset({
    "due", "extra", "shortfall", "saved", "next_due", "next_cash", "cost_more", "cash", "dues", "gap", "unit", "saves",
})
RATE_KEYS = frozenset({"rate", "other_rate"})
MONTHLY_RATE_KEYS = frozenset({"month_cost", "other_month_cost"})
MONTH_KEYS = frozenset({"escalation_month", "promo_end_month"})
LOAN_KEYS = frozenset({"loan", "other"})
LOAN_LIST_KEYS = frozenset({"others"})


def reason_sentence(fmt: Formatter, reason: dict[str, Any]) -> str:
    """A reason code and its numbers as a sentence in the formatter's language."""
    values: dict[str, Any] = {}
    for key, value in reason.items():
        if key == "code":
            continue
        if key in MONEY_KEYS:
            values[key] = fmt.money(value)
        elif key in RATE_KEYS:
            values[key] = fmt.rate(value)
        elif key in MONTHLY_RATE_KEYS:
            values[key] = fmt.rate(value)
        elif key in LOAN_LIST_KEYS:
            values[key] = fmt.join([fmt.loan(v) for v in value])
        elif key in MONTH_KEYS:
            values[key] = fmt.month(value)
        elif key in LOAN_KEYS:
            values[key] = fmt.loan(value)
        else:
            values[key] = value
    return fmt.text(f"r_{reason['code']}", **values)
