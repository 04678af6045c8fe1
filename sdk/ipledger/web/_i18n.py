"""The explorer's words in English, Simplified and Traditional Chinese: the audit report's catalogue
(``ipledger.audit._report_i18n``: kinds, statuses, events, record labels, licences, pledges...) plus the pages' own
strings below, in the same style (three dicts with the same keys, :meth:`str.format` templates, keys ``web.*``).

A page's language: ``?lang=`` (remembered in the ``lang`` cookie), else the cookie, else the browser's
``Accept-Language`` (``zh-TW`` and ``zh-HK`` read Traditional, ``zh`` and ``zh-CN`` Simplified), else the server's
default.
"""

from __future__ import annotations

from ipledger.audit._report_i18n import MESSAGES, Lang, Translate, parse_lang

__all__ = ["LANG_NAMES", "WEB_MESSAGES", "negotiate_lang", "web_translator"]

#: Each language named in itself, for the switcher.
LANG_NAMES: dict[Lang, str] = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "en": "English"}

EN: dict[str, str] = {
    "web.site": "ipledger explorer",
    "web.tagline": "The public record of intellectual-property rights on chain, read from the event index.",
    "web.nav_search": "Search",
    "web.nav_api": "API",
    "web.language": "Language",
    "web.search_label": "Search the registry",
    "web.search_placeholder": "Official number, title (Chinese or English), holder, share token or token id",
    "web.search_button": "Search",
    "web.results": "{count} result(s) for “{query}”",
    "web.no_results": "Nothing found for “{query}”.",
    "web.matched.number": "official number",
    "web.matched.title": "title",
    "web.matched.holder": "holder",
    "web.matched.share_token": "share token",
    "web.matched.token_id": "token id",
    "web.col_right": "Right",
    "web.col_title": "Title",
    "web.col_holder": "Holder",
    "web.col_found_by": "Found by",
    "web.sync_ok": "Index synced to block {cursor} (chain head {head}).",
    "web.sync_behind": "Index at block {cursor}, {behind} block(s) behind the chain head {head}; syncing in the "
    "background.",
    "web.sync_error": "The last sync failed: {error}",
    "web.sync_off": "Background sync is off: the index is shown as it is (block {cursor}).",
    "web.sync_waiting": "The index is being synced for the first time.",
    "web.badge_pledged": "pledged",
    "web.badge_disputed": "disputed",
    "web.record_token": "Token id",
    "web.record_holder": "Holder",
    "web.record_registrar": "Registered by",
    "web.record_self_declared": "self-declared claim of its holder",
    "web.record_registered": "Registered",
    "web.record_revoked": "Revoked",
    "web.record_share_token": "Share token",
    "web.timeline_heading": "Custody timeline",
    "web.no_events": "No events.",
    "web.cap_heading": "Cap table",
    "web.cap_at": "Shareholders at block {block}",
    "web.cap_none": "The right was not split into shares at block {block}.",
    "web.picker_block": "Block",
    "web.picker_date": "or date (YYYY-MM-DD)",
    "web.picker_show": "Show",
    "web.picker_hint": "A block or a date, not both; empty: the latest indexed block.",
    "web.licence_granted": "Granted",
    "web.verify_heading": "Verify this right against a checkpoint",
    "web.verify_explain": "Paste the hash of a block you trust (from another node, a block explorer or `ipledger "
    "checkpoint` on your machine).",
    "web.verify_checkpoint": "Checkpoint (block hash)",
    "web.verify_button": "Verify",
    "web.verify_server": "The server checked this (you trust the server)",
    "web.verify_server_note": "This server asked its node for proofs against your checkpoint and checked them. You "
    "rely on this server having done that honestly.",
    "web.verify_self": "Check it yourself (you trust only the checkpoint)",
    "web.verify_self_note": "Download the proof bundle: every answer the proofs rest on. Re-check it on your own "
    "machine with the ipledger SDK, without this server and without a node:",
    "web.verify_bundle": "Download the proof bundle",
    "web.verify_at": "Checked as of block {block}.",
    "web.verdict_inconclusive": "INCONCLUSIVE",
    "web.verify_off": "This server has no network to ask: it cannot verify.",
    "web.holder_heading": "Holdings of {address}",
    "web.holder_at": "At block {block}.",
    "web.holder_rights": "Rights held",
    "web.holder_shares": "Shares held",
    "web.holder_borrowed": "Live pledges of this holder (loans taken)",
    "web.holder_lent": "Loans made by this address (as lender)",
    "web.none": "None.",
    "web.pages": "Pages",
    "web.page_previous": "previous",
    "web.page_next": "next",
    "web.page_of": "Page {page} of {pages} ({count} rights)",
    "web.since_block": "Since block",
    "web.balance": "Balance",
    "web.share_heading": "Share token {symbol}",
    "web.share_of": "Shares of right {right}",
    "web.share_supply": "Total supply",
    "web.share_restricted": "Restricted: only verified investors and registered venues may hold them.",
    "web.share_open": "Not restricted: anyone may hold them.",
    "web.share_holders": "Holders at block {block}",
    "web.share_identity": "Identity",
    "web.share_country": "Country",
    "web.share_eligible": "Eligible now",
    "web.share_pools": "Pools holding these shares",
    "web.share_no_pools": "No pool holds these shares.",
    "web.share_pool": "Pool",
    "web.share_paired": "Paired with",
    "web.share_rules": "Transfer rules",
    "web.share_rules_categories": "Investor categories admitted: {categories}",
    "web.share_rules_lockup": "Locked up until {date}",
    "web.share_rules_max_holders": "At most {count} holders",
    "web.share_rules_countries": "Country rule ({mode}): {countries}",
    "web.share_chain_note": "Holders and frozen amounts come from the index; identities, rules and pools from the "
    "chain now.",
    "web.share_unavailable": "Not available from the chain: {what}",
    "web.all_categories": "all",
    "web.yes": "yes",
    "web.no": "no",
    "web.error_heading": "This request cannot be answered",
    "web.error_reason": "Reason",
    "web.error_back": "Back to the search",
    "web.footer": "Read-only: this server holds no keys and sends no transactions. The same data as JSON:",
}

ZH_HANS: dict[str, str] = {
    "web.site": "ipledger 浏览器",
    "web.tagline": "链上知识产权的公开记录，读自事件索引。",
    "web.nav_search": "搜索",
    "web.nav_api": "API",
    "web.language": "语言",
    "web.search_label": "搜索登记簿",
    "web.search_placeholder": "官方编号、名称（中文或英文）、权利人、份额代币或代币编号",
    "web.search_button": "搜索",
    "web.results": "“{query}”的结果：{count} 项",
    "web.no_results": "未找到“{query}”。",
    "web.matched.number": "官方编号",
    "web.matched.title": "名称",
    "web.matched.holder": "权利人",
    "web.matched.share_token": "份额代币",
    "web.matched.token_id": "代币编号",
    "web.col_right": "权利",
    "web.col_title": "名称",
    "web.col_holder": "权利人",
    "web.col_found_by": "匹配方式",
    "web.sync_ok": "索引已同步至区块 {cursor}（链上最新区块 {head}）。",
    "web.sync_behind": "索引位于区块 {cursor}，落后链上最新区块 {head} 共 {behind} 个区块；正在后台同步。",
    "web.sync_error": "上次同步失败：{error}",
    "web.sync_off": "后台同步已关闭：按索引现状显示（区块 {cursor}）。",
    "web.sync_waiting": "索引正在首次同步。",
    "web.badge_pledged": "已质押",
    "web.badge_disputed": "有争议",
    "web.record_token": "代币编号",
    "web.record_holder": "权利人",
    "web.record_registrar": "登记机构",
    "web.record_self_declared": "权利人自行申报",
    "web.record_registered": "登记时间",
    "web.record_revoked": "撤销",
    "web.record_share_token": "份额代币",
    "web.timeline_heading": "权属时间线",
    "web.no_events": "无事件。",
    "web.cap_heading": "股权结构表",
    "web.cap_at": "区块 {block} 时的份额持有人",
    "web.cap_none": "区块 {block} 时该权利未拆分为份额。",
    "web.picker_block": "区块",
    "web.picker_date": "或日期（YYYY-MM-DD）",
    "web.picker_show": "显示",
    "web.picker_hint": "填写区块或日期（不可同时填写）；留空：索引的最新区块。",
    "web.licence_granted": "授予时间",
    "web.verify_heading": "依据检查点验证此权利",
    "web.verify_explain": "粘贴您信任的区块哈希（来自其他节点、区块浏览器，或在您本机运行 `ipledger checkpoint`）。",
    "web.verify_checkpoint": "检查点（区块哈希）",
    "web.verify_button": "验证",
    "web.verify_server": "由服务器验证（您信任服务器）",
    "web.verify_server_note": "本服务器已向其节点索取针对您的检查点的证明并进行了核验。"
    "您依赖本服务器如实完成了这一过程。",
    "web.verify_self": "自行核验（您只信任检查点）",
    "web.verify_self_note": "下载证明包：其中包含证明所依据的全部应答。在您自己的计算机上用 ipledger SDK 重新核验，"
    "无需本服务器，也无需节点：",
    "web.verify_bundle": "下载证明包",
    "web.verify_at": "核验截至区块 {block}。",
    "web.verdict_inconclusive": "无法确证",
    "web.verify_off": "本服务器没有可查询的网络：无法验证。",
    "web.holder_heading": "{address} 的持有情况",
    "web.holder_at": "截至区块 {block}。",
    "web.holder_rights": "持有的权利",
    "web.holder_shares": "持有的份额",
    "web.holder_borrowed": "该持有人的有效质押（借入的贷款）",
    "web.holder_lent": "该地址发放的贷款（作为贷款人）",
    "web.none": "无。",
    "web.pages": "分页",
    "web.page_previous": "上一页",
    "web.page_next": "下一页",
    "web.page_of": "第 {page} 页，共 {pages} 页（{count} 项权利）",
    "web.since_block": "起始区块",
    "web.balance": "余额",
    "web.share_heading": "份额代币 {symbol}",
    "web.share_of": "权利 {right} 的份额",
    "web.share_supply": "总量",
    "web.share_restricted": "受限：仅经验证的投资者和已登记的交易场所可以持有。",
    "web.share_open": "不受限：任何人均可持有。",
    "web.share_holders": "区块 {block} 时的持有人",
    "web.share_identity": "身份",
    "web.share_country": "国家或地区",
    "web.share_eligible": "当前合资格",
    "web.share_pools": "持有这些份额的资金池",
    "web.share_no_pools": "没有资金池持有这些份额。",
    "web.share_pool": "资金池",
    "web.share_paired": "配对代币",
    "web.share_rules": "转让规则",
    "web.share_rules_categories": "允许的投资者类别：{categories}",
    "web.share_rules_lockup": "锁定至 {date}",
    "web.share_rules_max_holders": "最多 {count} 位持有人",
    "web.share_rules_countries": "国家或地区规则（{mode}）：{countries}",
    "web.share_chain_note": "持有人和冻结数量来自索引；身份、规则和资金池为链上当前数据。",
    "web.share_unavailable": "无法从链上读取：{what}",
    "web.all_categories": "全部",
    "web.yes": "是",
    "web.no": "否",
    "web.error_heading": "无法处理此请求",
    "web.error_reason": "原因",
    "web.error_back": "返回搜索",
    "web.footer": "只读：本服务器不持有任何密钥，也不发送任何交易。相同数据的 JSON 版本：",
}

ZH_HANT: dict[str, str] = {
    "web.site": "ipledger 瀏覽器",
    "web.tagline": "鏈上知識產權的公開記錄，讀自事件索引。",
    "web.nav_search": "搜尋",
    "web.nav_api": "API",
    "web.language": "語言",
    "web.search_label": "搜尋登記冊",
    "web.search_placeholder": "官方編號、名稱（中文或英文）、權利人、份額代幣或代幣編號",
    "web.search_button": "搜尋",
    "web.results": "「{query}」的結果：{count} 項",
    "web.no_results": "找不到「{query}」。",
    "web.matched.number": "官方編號",
    "web.matched.title": "名稱",
    "web.matched.holder": "權利人",
    "web.matched.share_token": "份額代幣",
    "web.matched.token_id": "代幣編號",
    "web.col_right": "權利",
    "web.col_title": "名稱",
    "web.col_holder": "權利人",
    "web.col_found_by": "匹配方式",
    "web.sync_ok": "索引已同步至區塊 {cursor}（鏈上最新區塊 {head}）。",
    "web.sync_behind": "索引位於區塊 {cursor}，落後鏈上最新區塊 {head} 共 {behind} 個區塊；正在背景同步。",
    "web.sync_error": "上次同步失敗：{error}",
    "web.sync_off": "背景同步已關閉：按索引現狀顯示（區塊 {cursor}）。",
    "web.sync_waiting": "索引正在首次同步。",
    "web.badge_pledged": "已質押",
    "web.badge_disputed": "有爭議",
    "web.record_token": "代幣編號",
    "web.record_holder": "權利人",
    "web.record_registrar": "登記機構",
    "web.record_self_declared": "權利人自行申報",
    "web.record_registered": "登記時間",
    "web.record_revoked": "撤銷",
    "web.record_share_token": "份額代幣",
    "web.timeline_heading": "權屬時間線",
    "web.no_events": "無事件。",
    "web.cap_heading": "股權結構表",
    "web.cap_at": "區塊 {block} 時的份額持有人",
    "web.cap_none": "區塊 {block} 時該權利未拆分為份額。",
    "web.picker_block": "區塊",
    "web.picker_date": "或日期（YYYY-MM-DD）",
    "web.picker_show": "顯示",
    "web.picker_hint": "填寫區塊或日期（不可同時填寫）；留空：索引的最新區塊。",
    "web.licence_granted": "授予時間",
    "web.verify_heading": "依據檢查點驗證此權利",
    "web.verify_explain": "貼上您信任的區塊雜湊（來自其他節點、區塊瀏覽器，或在您本機執行 `ipledger checkpoint`）。",
    "web.verify_checkpoint": "檢查點（區塊雜湊）",
    "web.verify_button": "驗證",
    "web.verify_server": "由伺服器驗證（您信任伺服器）",
    "web.verify_server_note": "本伺服器已向其節點索取針對您的檢查點的證明並進行了核驗。"
    "您依賴本伺服器如實完成了這一過程。",
    "web.verify_self": "自行核驗（您只信任檢查點）",
    "web.verify_self_note": "下載證明包：其中包含證明所依據的全部回應。在您自己的電腦上用 ipledger SDK 重新核驗，"
    "無需本伺服器，也無需節點：",
    "web.verify_bundle": "下載證明包",
    "web.verify_at": "核驗截至區塊 {block}。",
    "web.verdict_inconclusive": "無法確證",
    "web.verify_off": "本伺服器沒有可查詢的網絡：無法驗證。",
    "web.holder_heading": "{address} 的持有情況",
    "web.holder_at": "截至區塊 {block}。",
    "web.holder_rights": "持有的權利",
    "web.holder_shares": "持有的份額",
    "web.holder_borrowed": "該持有人的有效質押（借入的貸款）",
    "web.holder_lent": "該地址發放的貸款（作為貸款人）",
    "web.none": "無。",
    "web.pages": "分頁",
    "web.page_previous": "上一頁",
    "web.page_next": "下一頁",
    "web.page_of": "第 {page} 頁，共 {pages} 頁（{count} 項權利）",
    "web.since_block": "起始區塊",
    "web.balance": "餘額",
    "web.share_heading": "份額代幣 {symbol}",
    "web.share_of": "權利 {right} 的份額",
    "web.share_supply": "總量",
    "web.share_restricted": "受限：僅經驗證的投資者和已登記的交易場所可以持有。",
    "web.share_open": "不受限：任何人均可持有。",
    "web.share_holders": "區塊 {block} 時的持有人",
    "web.share_identity": "身分",
    "web.share_country": "國家或地區",
    "web.share_eligible": "目前合資格",
    "web.share_pools": "持有這些份額的資金池",
    "web.share_no_pools": "沒有資金池持有這些份額。",
    "web.share_pool": "資金池",
    "web.share_paired": "配對代幣",
    "web.share_rules": "轉讓規則",
    "web.share_rules_categories": "允許的投資者類別：{categories}",
    "web.share_rules_lockup": "鎖定至 {date}",
    "web.share_rules_max_holders": "最多 {count} 位持有人",
    "web.share_rules_countries": "國家或地區規則（{mode}）：{countries}",
    "web.share_chain_note": "持有人和凍結數量來自索引；身分、規則和資金池為鏈上目前資料。",
    "web.share_unavailable": "無法從鏈上讀取：{what}",
    "web.all_categories": "全部",
    "web.yes": "是",
    "web.no": "否",
    "web.error_heading": "無法處理此請求",
    "web.error_reason": "原因",
    "web.error_back": "返回搜尋",
    "web.footer": "唯讀：本伺服器不持有任何金鑰，也不傳送任何交易。相同資料的 JSON 版本：",
}

WEB_MESSAGES: dict[str, dict[str, str]] = {"en": EN, "zh-Hans": ZH_HANS, "zh-Hant": ZH_HANT}


def web_translator(lang: Lang) -> Translate:
    """``t(key, **fields)`` over the report's catalogue and the pages' strings in ``lang``."""
    messages = {**MESSAGES[lang], **WEB_MESSAGES[lang]}

    def translate(key: str, **fields: object) -> str:
        return messages[key].format(**fields)

    return translate


def negotiate_lang(accept_language: str | None) -> Lang | None:
    """The first language of an ``Accept-Language`` header the explorer speaks (by quality, then order)."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, parameters = part.strip().partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0 or not tag:  # q=0: not acceptable
            continue
        subtags = tag.split("-")
        for candidate in (tag, "-".join(subtags[:2]), subtags[0]):
            try:
                return parse_lang(candidate)
            except ValueError:
                continue
    return None
