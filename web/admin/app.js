// senderid operator console: a small single-page app over /admin/v1 (SPEC §13).
// No framework and no inline script: the page's CSP allows only this file. Every text from the
// server goes into the DOM as text (textContent), never as markup.
"use strict";

(() => {
  const KIND = { approval: "번호 인증 서류", limitation: "등록 한도 증가", duplicate: "중복 해제" };
  const REQUEST_STATUS = { PENDING: "대기", APPROVED: "승인", REJECTED: "반려", CANCELLED: "취소" };
  const NUMBER_STATUS = {
    PENDING: "인증 대기", ACTIVE: "사용 중", INACTIVE: "사용 중지", DUPLICATED: "중복", EXPIRED: "만료",
  };
  const REASON_CODES = [
    ["DOCUMENT_UNREADABLE", "서류 판독 불가"],
    ["DOCUMENT_MISMATCH", "명의 또는 번호 불일치"],
    ["DOCUMENT_OUTDATED", "유효 기간이 지난 서류"],
    ["WRONG_DOCUMENT_TYPE", "잘못된 종류의 서류"],
    ["INSUFFICIENT_REASON", "사유 불충분 (중복 해제)"],
    ["OTHER", "기타"],
  ];
  const ROLE = { reviewer: "검토자", admin: "관리자" };

  const state = {
    operator: null,
    csrf: null,
    queue: [],          // ids of the last queue shown, in order (j/k on a review page)
    queueFilter: { status: "PENDING", kind: "" },
    selected: 0,
    keys: null,         // keyboard handler of the current view
  };

  // ---------------------------------------------------------------------------------------------
  // DOM helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  const main = () => document.getElementById("main");
  function show(...nodes) {
    const m = main();
    m.replaceChildren(...nodes);
    m.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  function toast(text, bad) {
    const t = document.getElementById("toast");
    t.textContent = text;
    t.className = bad ? "toast bad" : "toast";
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 3500);
  }
  function badge(text, cls) { return el("span", { class: "badge " + (cls || "") }, text); }
  function fmtDate(iso) {
    if (!iso) return "—";
    const d = new Date(iso);
    return d.toLocaleString("ko-KR", { timeZone: "Asia/Seoul", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit" });
  }
  function age(iso) {
    const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 60) return "방금";
    if (s < 3600) return Math.floor(s / 60) + "분 전";
    if (s < 86400) return Math.floor(s / 3600) + "시간 전";
    return Math.floor(s / 86400) + "일 전";
  }
  function claimOf(r) {
    if (!r.claimedBy || !r.claimedUntil) return null;
    const left = new Date(r.claimedUntil).getTime() - Date.now();
    return left > 0 ? { by: r.claimedBy, minutes: Math.ceil(left / 60000) } : null;
  }
  function subject(r) {
    if (r.kind === "limitation") return `한도 ${r.limitBeforeRequest} → ${r.limitRequested}`;
    return r.phoneNumber;
  }

  // ---------------------------------------------------------------------------------------------
  // The API

  class ApiError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
    const res = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = new ApiError(res.status, data && data.errorCode, (data && data.errorMessage) || res.statusText);
      if (res.status === 401 && path !== "/admin/v1/session") { signedOut(); }
      throw err;
    }
    return data;
  }
  const enc = encodeURIComponent;

  // ---------------------------------------------------------------------------------------------
  // Session

  function signedIn(session) {
    state.operator = session.operator;
    state.csrf = session.csrfToken;
    document.getElementById("topbar").hidden = false;
    document.getElementById("who-name").textContent = session.operator.name;
    document.getElementById("who-role").textContent = ROLE[session.operator.role] || session.operator.role;
    for (const a of document.querySelectorAll("[data-admin-only]"))
      a.hidden = session.operator.role !== "admin";
  }

  function signedOut() {
    state.operator = null;
    state.csrf = null;
    document.getElementById("topbar").hidden = true;
    renderSignIn();
  }

  function renderSignIn(message) {
    state.keys = null;
    const error = el("p", { class: "error", id: "signin-error", role: "alert" }, message || "");
    const name = el("input", { id: "signin-name", name: "name", autocomplete: "username", required: true });
    const password = el("input", { id: "signin-password", name: "password", type: "password",
      autocomplete: "current-password", required: true });
    const form = el("form", { class: "panel signin", id: "signin-form", onsubmit: async (ev) => {
      ev.preventDefault();
      error.textContent = "";
      try {
        const session = await api("POST", "/admin/v1/session", { name: name.value, password: password.value });
        signedIn(session);
        password.value = "";
        if (!location.hash || location.hash === "#/") location.hash = "#/reviews";
        else route();
      } catch (e) {
        error.textContent = e.message;
        password.select();
      }
    } },
      el("h1", { text: "운영 콘솔 로그인" }),
      el("p", { class: "muted", text: "발신번호 증빙 검토와 계정 관리를 위한 운영자 전용 화면입니다." }),
      el("div", { class: "field" }, el("label", { for: "signin-name", text: "운영자 이름" }), name),
      el("div", { class: "field" }, el("label", { for: "signin-password", text: "비밀번호" }), password),
      el("button", { class: "button", type: "submit", id: "signin-submit" }, "로그인"),
      error);
    show(form);
    name.focus();
  }

  // ---------------------------------------------------------------------------------------------
  // Review queue

  async function renderQueue() {
    const f = state.queueFilter;
    const kind = el("select", { id: "filter-kind", "aria-label": "종류" },
      el("option", { value: "" }, "모든 종류"),
      Object.entries(KIND).map(([k, v]) => el("option", { value: k, selected: f.kind === k }, v)));
    const status = el("select", { id: "filter-status", "aria-label": "상태" },
      Object.entries(REQUEST_STATUS).map(([k, v]) => el("option", { value: k, selected: f.status === k }, v)),
      el("option", { value: "ALL", selected: f.status === "ALL" }, "전체"));
    const onFilter = () => {
      state.queueFilter = { status: status.value, kind: kind.value };
      state.selected = 0;
      renderQueue();
    };
    kind.addEventListener("change", onFilter);
    status.addEventListener("change", onFilter);
    const body = el("tbody", { id: "queue-rows" });
    const more = el("div", { class: "more" });
    const count = el("span", { class: "muted", id: "queue-count" });
    show(
      el("div", { class: "page-head" },
        el("div", {}, el("h1", { text: "검토 대기열" }),
          el("p", { class: "hint" }, "오래된 요청부터 표시됩니다. ", el("kbd", {}, "j"), el("kbd", {}, "k"),
            " 이동 · ", el("kbd", {}, "Enter"), " 열기")),
        el("div", { class: "toolbar" }, kind, status, count)),
      el("div", { class: "panel table-wrap" },
        el("table", { id: "queue" },
          el("thead", {}, el("tr", {},
            el("th", { text: "종류" }), el("th", { text: "대상" }), el("th", { text: "계정" }),
            el("th", { text: "서류" }), el("th", { text: "제출" }), el("th", { text: "상태" }),
            el("th", { text: "담당" }))),
          body),
        more));
    state.queue = [];
    const rows = [];
    const select = (i) => {
      if (!rows.length) return;
      state.selected = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach((r, j) => r.classList.toggle("selected", j === state.selected));
      rows[state.selected].scrollIntoView({ block: "nearest" });
    };
    const load = async (startKey) => {
      const q = new URLSearchParams({ status: f.status, limit: "50" });
      if (f.kind) q.set("kind", f.kind);
      if (startKey) q.set("startKey", startKey);
      let page;
      try { page = await api("GET", "/admin/v1/reviews?" + q); } catch (e) { toast(e.message, true); return; }
      for (const r of page.data) {
        const claim = claimOf(r);
        const tr = el("tr", { "data-id": r.id, onclick: () => { location.hash = "#/review/" + enc(r.id); } },
          el("td", {}, badge(KIND[r.kind], "kind-" + r.kind)),
          el("td", { class: "mono" }, subject(r)),
          el("td", {}, r.accountName || r.accountId, el("div", { class: "muted mono hide-narrow" }, r.accountId)),
          el("td", {}, String(r.documents.length)),
          el("td", { title: fmtDate(r.dateCreated) }, age(r.dateCreated)),
          el("td", {}, badge(REQUEST_STATUS[r.status], r.status)),
          el("td", {}, claim ? badge(`${claim.by} · ${claim.minutes}분`, "claim") : "—"));
        rows.push(tr);
        body.append(tr);
        state.queue.push(r.id);
      }
      count.textContent = `${rows.length}건${page.nextKey ? "+" : ""}`;
      more.replaceChildren();
      if (page.nextKey)
        more.append(el("button", { class: "button secondary", onclick: () => load(page.nextKey) }, "더 보기"));
      if (!rows.length) body.append(el("tr", {}, el("td", { colspan: "7", class: "empty" }, "처리할 요청이 없습니다.")));
      select(state.selected);
    };
    state.keys = (ev) => {
      if (ev.key === "j") select(state.selected + 1);
      else if (ev.key === "k") select(state.selected - 1);
      else if (ev.key === "Enter" && rows[state.selected]) rows[state.selected].click();
      else return false;
      return true;
    };
    await load(null);
  }

  // ---------------------------------------------------------------------------------------------
  // One review: the request and its decision beside every document

  function documentView(d) {
    const head = el("div", { class: "document-head" },
      el("span", {}, d.originalName || d.documentId),
      el("span", { class: "muted" }, `${d.contentType || ""} · ${Math.ceil((d.size || 0) / 1024)} KB`));
    if (d.deleted) return el("div", { class: "document" }, head, el("div", { class: "document-view" }, "삭제된 서류"));
    let view;
    if (d.contentType === "application/pdf") {
      view = el("iframe", { src: d.url, title: d.originalName, class: "pdf", loading: "eager" });
    } else if (d.contentType === "image/tiff") {
      view = el("div", { class: "download" },
        el("p", { text: "TIFF 파일은 브라우저에서 바로 볼 수 없습니다." }),
        el("a", { class: "button", href: d.url, download: d.documentId + ".tif" }, "내려받기"));
    } else {
      view = el("img", { src: d.url, alt: d.originalName || d.documentId, class: "image" });
    }
    return el("div", { class: "document", "data-document": d.documentId, "data-type": d.contentType },
      head, el("div", { class: "document-view" }, view));
  }

  async function renderReview(id) {
    let r;
    try { r = await api("GET", "/admin/v1/reviews/" + enc(id)); }
    catch (e) { show(el("div", { class: "panel" }, el("h1", { text: "요청을 찾을 수 없습니다" }), el("p", { text: e.message }))); return; }
    // Open → claimed by me, unless someone else is on it.
    if (r.status === "PENDING") {
      const claim = claimOf(r);
      if (!claim || claim.by === state.operator.name) {
        try { r = await api("POST", "/admin/v1/reviews/" + enc(id) + "/claim"); } catch (e) { toast(e.message, true); }
      }
    }
    drawReview(r);
  }

  function drawReview(r) {
    const claim = claimOf(r);
    const mine = claim && claim.by === state.operator.name;
    const pending = r.status === "PENDING";
    const blocked = pending && claim && !mine;
    const banner = !pending
      ? el("div", { class: "banner done", id: "decided" },
          `${REQUEST_STATUS[r.status]} · ${r.decidedBy || "—"} · ${fmtDate(r.dateDecided)}`,
          r.reasonCode ? ` · ${r.reasonCode}` : "", r.reason ? el("div", {}, r.reason) : null)
      : blocked
        ? el("div", { class: "banner warn" }, `${claim.by} 님이 검토 중입니다 (${claim.minutes}분 남음).`)
        : mine ? el("div", { class: "banner info" }, `내가 검토 중 · ${claim.minutes}분 동안 다른 운영자는 결정할 수 없습니다.`) : null;

    const facts = el("dl", { class: "facts" },
      el("dt", { text: "요청 ID" }), el("dd", { class: "mono" }, r.id),
      el("dt", { text: "계정" }), el("dd", {}, `${r.accountName} (${r.accountId})`),
      r.kind !== "limitation" ? [el("dt", { text: "발신번호" }), el("dd", { class: "mono" }, r.phoneNumber)] : null,
      r.kind === "limitation" ? [el("dt", { text: "요청 한도" }), el("dd", {}, `${r.limitBeforeRequest} → ${r.limitRequested}`)] : null,
      r.kind === "duplicate" ? [el("dt", { text: "담당자" }), el("dd", {}, r.name),
        el("dt", { text: "요청 사유" }), el("dd", {}, r.reasonForRequested)] : null,
      el("dt", { text: "제출" }), el("dd", {}, `${fmtDate(r.dateCreated)} (${age(r.dateCreated)})`),
      el("dt", { text: "서류" }), el("dd", {}, `${r.documents.length}개`));

    const entry = r.entry;
    const log = entry ? el("ol", { class: "timeline", id: "entry-log" },
      entry.log.map((l) => el("li", {}, el("time", { text: fmtDate(l.createAt) }), l.message))) : null;
    const holders = r.kind === "limitation" ? null
      : r.otherHolders.length
        ? el("ul", { class: "holders", id: "other-holders" },
            r.otherHolders.map((h) => el("li", {}, el("span", { class: "mono" }, h.accountId),
              badge(NUMBER_STATUS[h.status] || h.status, h.status))))
        : el("p", { class: "muted", id: "other-holders", text: "다른 계정에 등록된 기록이 없습니다." });

    // Decision
    const code = el("select", { id: "reason-code", "aria-label": "반려 사유 코드" },
      REASON_CODES.map(([k, v]) => el("option", { value: k, selected: k === "OTHER" }, v)));
    const reason = el("textarea", { id: "reason", maxlength: "500",
      placeholder: "고객에게 보이는 사유 (반려 시 필수, 500자 이내)" });
    const errorBox = el("p", { class: "error", id: "decision-error", role: "alert" });
    const confirm = el("div", { class: "confirm", id: "approve-confirm", hidden: true },
      el("p", { text: "이 요청을 승인할까요? 승인하면 고객에게 즉시 반영됩니다." }),
      el("div", { class: "decide-row" },
        el("button", { class: "button approve", id: "approve-confirm-button", onclick: () => decide("approve") }, "승인 확정"),
        el("button", { class: "button secondary", onclick: () => { confirm.hidden = true; } }, "취소")));
    const approveButton = el("button", { class: "button approve", id: "approve", disabled: !pending || blocked,
      onclick: () => { confirm.hidden = false; document.getElementById("approve-confirm-button").focus(); } },
      "승인", el("kbd", {}, "a"));
    const rejectButton = el("button", { class: "button reject", id: "reject", disabled: !pending || blocked,
      onclick: () => decide("reject") }, "반려", el("kbd", {}, "r"));

    async function decide(what) {
      errorBox.textContent = "";
      const body = what === "approve"
        ? (reason.value.trim() ? { reason: reason.value.trim() } : {})
        : { reasonCode: code.value, reason: reason.value.trim() };
      if (what === "reject" && !body.reason) { errorBox.textContent = "반려 사유를 입력해 주세요."; reason.focus(); return; }
      try {
        const decided = await api("POST", `/admin/v1/reviews/${enc(r.id)}/${what}`, body);
        toast(what === "approve" ? "승인했습니다." : "반려했습니다.");
        drawReview(decided);
      } catch (e) { errorBox.textContent = e.message; }
    }

    const decision = el("div", { class: "panel", id: "decision" },
      el("h2", { text: "결정" }),
      el("div", { class: "field" }, el("label", { for: "reason-code", text: "반려 사유 코드" }), code),
      el("div", { class: "field" }, el("label", { for: "reason", text: "사유" }), reason),
      el("div", { class: "decide-row" }, approveButton, rejectButton),
      confirm, errorBox);

    const index = state.queue.indexOf(r.id);
    const nav = el("div", { class: "toolbar" },
      el("a", { href: "#/reviews", class: "button secondary" }, "대기열"),
      el("span", { class: "hint" }, el("kbd", {}, "j"), el("kbd", {}, "k"), " 이전·다음 ", el("kbd", {}, "a"), " 승인 ", el("kbd", {}, "r"), " 반려"));
    show(
      el("div", { class: "page-head" },
        el("div", {}, el("h1", {}, KIND[r.kind], " ", badge(REQUEST_STATUS[r.status], r.status)),
          el("p", { class: "muted mono", text: subject(r) })),
        nav),
      el("div", { class: "review", id: "review", "data-id": r.id },
        el("div", { class: "review-side" },
          el("div", { class: "panel" }, banner, el("h2", { text: "요청" }), facts),
          pending ? decision : null,
          entry ? el("div", { class: "panel" }, el("h2", {}, "번호 상태 ", badge(NUMBER_STATUS[entry.status], entry.status)),
            el("h3", { text: "이력" }), log) : null,
          holders ? el("div", { class: "panel" }, el("h2", { text: "다른 보유 계정" }), holders) : null),
        el("div", { class: "documents", id: "documents" }, r.documents.map(documentView))));

    state.keys = (ev) => {
      if (ev.key === "j" || ev.key === "k") {
        const next = state.queue[index + (ev.key === "j" ? 1 : -1)];
        if (index >= 0 && next) location.hash = "#/review/" + enc(next);
      } else if (ev.key === "a" && pending && !blocked) {
        approveButton.click();
      } else if (ev.key === "r" && pending && !blocked) {
        reason.focus();
      } else if (ev.key === "Escape") {
        location.hash = "#/reviews";
      } else return false;
      return true;
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Number lookup

  function renderLookup(number) {
    const input = el("input", { id: "lookup-number", inputmode: "tel", placeholder: "010-1234-5678", value: number || "" });
    const results = el("div", { id: "lookup-results" });
    const form = el("form", { class: "inline-field", onsubmit: (ev) => {
      ev.preventDefault();
      if (input.value.trim()) location.hash = "#/lookup/" + enc(input.value.trim());
    } }, input, el("button", { class: "button", type: "submit", id: "lookup-submit" }, "조회"));
    show(el("div", { class: "page-head" }, el("div", {}, el("h1", { text: "번호 조회" }),
      el("p", { class: "hint", text: "모든 계정에서 이 번호의 등록 기록을 찾습니다. 조회 기록은 감사 로그에 남습니다." }))),
      el("div", { class: "panel" }, form), el("div", { class: "panel" }, results));
    if (!number) { input.focus(); return; }
    api("GET", "/admin/v1/numbers/" + enc(number)).then((l) => {
      if (!l.entries.length) {
        results.replaceChildren(el("p", { class: "empty", id: "lookup-empty" }, `${l.phoneNumber}: 등록한 계정이 없습니다.`));
        return;
      }
      results.replaceChildren(el("h2", { text: `${l.phoneNumber} · ${l.entries.length}개 계정` }),
        el("div", { class: "cards" }, l.entries.map((e) => el("div", { class: "panel", "data-account": e.accountId },
          el("h2", {}, `${e.accountName} `, badge(NUMBER_STATUS[e.status] || e.status, e.status)),
          el("dl", { class: "facts" },
            el("dt", { text: "계정" }), el("dd", { class: "mono" }, e.accountId),
            el("dt", { text: "인증 수단" }), el("dd", {}, e.method || "—"),
            el("dt", { text: "만료" }), el("dd", {}, fmtDate(e.expireAt))),
          el("h3", { text: "이력" }),
          el("ol", { class: "timeline" }, e.log.map((x) => el("li", {}, el("time", { text: fmtDate(x.createAt) }), x.message)))))));
    }).catch((e) => results.replaceChildren(el("p", { class: "error", text: e.message })));
  }

  // ---------------------------------------------------------------------------------------------
  // Accounts (admins)

  async function renderAccounts() {
    const body = el("tbody", {});
    const more = el("div", { class: "more" });
    const name = el("input", { id: "new-account-name", placeholder: "계정 이름" });
    const limit = el("input", { id: "new-account-limit", type: "number", min: "0", placeholder: "한도 (기본 5)" });
    const created = el("div", {});
    const createForm = el("form", { class: "inline-field", onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        const a = await api("POST", "/admin/v1/accounts", limit.value ? { name: name.value, limit: Number(limit.value) } : { name: name.value });
        created.replaceChildren(el("div", { class: "secret" }, el("strong", { text: "한 번만 표시됩니다. " }),
          `계정 ${a.accountId} · API 키 ${a.apiKey} · 시크릿 ${a.apiSecret}`));
        name.value = ""; limit.value = "";
      } catch (e) { toast(e.message, true); }
    } }, name, limit, el("button", { class: "button", type: "submit" }, "계정 만들기"));
    show(el("div", { class: "page-head" }, el("h1", { text: "계정" })),
      el("div", { class: "panel" }, el("h2", { text: "새 계정" }), createForm, created),
      el("div", { class: "panel table-wrap" }, el("table", { id: "accounts" },
        el("thead", {}, el("tr", {}, el("th", { text: "계정" }), el("th", { text: "이름" }), el("th", { text: "한도" }),
          el("th", { text: "상태" }), el("th", { text: "키" }), el("th", { text: "생성" }))), body), more));
    const load = async (startKey) => {
      const q = new URLSearchParams({ limit: "50" });
      if (startKey) q.set("startKey", startKey);
      let page;
      try { page = await api("GET", "/admin/v1/accounts?" + q); } catch (e) { toast(e.message, true); return; }
      for (const a of page.data)
        body.append(el("tr", { onclick: () => { location.hash = "#/account/" + enc(a.accountId); } },
          el("td", { class: "mono" }, a.accountId), el("td", {}, a.name), el("td", {}, String(a.limit)),
          el("td", {}, badge(a.status === "ACTIVE" ? "활성" : "비활성", a.status === "ACTIVE" ? "ACTIVE" : "INACTIVE-acct")),
          el("td", {}, String(a.keys.filter((k) => k.status === "ACTIVE").length)),
          el("td", {}, fmtDate(a.dateCreated))));
      more.replaceChildren();
      if (page.nextKey) more.append(el("button", { class: "button secondary", onclick: () => load(page.nextKey) }, "더 보기"));
    };
    await load(null);
  }

  async function renderAccount(id) {
    let a;
    try { a = await api("GET", "/admin/v1/accounts/" + enc(id)); } catch (e) { show(el("p", { class: "error", text: e.message })); return; }
    const limit = el("input", { id: "account-limit", type: "number", min: "1", value: String(a.limit) });
    const secret = el("div", {});
    const act = async (method, path, body, done) => {
      try { const out = await api(method, path, body); if (done) done(out); else renderAccount(id); }
      catch (e) { toast(e.message, true); }
    };
    show(el("div", { class: "page-head" },
      el("div", {}, el("h1", {}, `${a.name} `, badge(a.status === "ACTIVE" ? "활성" : "비활성", a.status === "ACTIVE" ? "ACTIVE" : "INACTIVE-acct")),
        el("p", { class: "muted mono", text: a.accountId })),
      el("div", { class: "toolbar" }, el("a", { href: "#/accounts", class: "button secondary" }, "계정 목록"),
        a.status === "ACTIVE"
          ? el("button", { class: "button reject", id: "deactivate", onclick: () => act("POST", `/admin/v1/accounts/${enc(id)}/deactivate`) }, "비활성화")
          : el("button", { class: "button approve", id: "activate", onclick: () => act("POST", `/admin/v1/accounts/${enc(id)}/activate`) }, "활성화"))),
    el("div", { class: "grid-2" },
      el("div", { class: "panel" }, el("h2", { text: "등록 한도" }),
        el("form", { class: "inline-field", onsubmit: (ev) => { ev.preventDefault();
          act("PUT", "/admin/v1/accounts/" + enc(id), { limit: Number(limit.value) }, () => { toast("한도를 바꿨습니다."); renderAccount(id); }); } },
          limit, el("button", { class: "button", type: "submit", id: "save-limit" }, "저장")),
        el("p", { class: "hint", text: "현재 등록 수보다 낮출 수 있습니다. 이후 새 등록이 거절됩니다." })),
      el("div", { class: "panel" }, el("h2", { text: "API 키" }),
        el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "키" }), el("th", { text: "권한" }), el("th", { text: "상태" }), el("th", {}))),
          el("tbody", {}, a.keys.map((k) => el("tr", {},
            el("td", { class: "mono" }, k.apiKey), el("td", {}, k.scopes.join(", ")),
            el("td", {}, badge(k.status === "ACTIVE" ? "활성" : "폐기", k.status === "ACTIVE" ? "ACTIVE" : "INACTIVE")),
            el("td", {}, k.status === "ACTIVE" ? el("button", { class: "button small reject",
              onclick: (ev) => { ev.stopPropagation(); act("POST", `/admin/v1/keys/${enc(k.apiKey)}/revoke`); } }, "폐기") : null))))),
        el("div", { class: "more" }, el("button", { class: "button secondary", id: "new-key",
          onclick: () => act("POST", `/admin/v1/accounts/${enc(id)}/keys`, {}, (c) => {
            secret.replaceChildren(el("div", { class: "secret" }, el("strong", { text: "한 번만 표시됩니다. " }), `API 키 ${c.apiKey} · 시크릿 ${c.apiSecret}`));
          }) }, "새 키 만들기")), secret)));
  }

  // ---------------------------------------------------------------------------------------------
  // Audit log

  async function renderAudit(filter) {
    const op = el("input", { id: "audit-operator", placeholder: "운영자", value: filter.operator || "" });
    const target = el("input", { id: "audit-target", placeholder: "대상 (요청 ID, 계정, 번호…)", value: filter.target || "" });
    const body = el("tbody", {});
    const more = el("div", { class: "more" });
    show(el("div", { class: "page-head" }, el("div", {}, el("h1", { text: "감사 로그" }),
      el("p", { class: "hint", text: "운영자와 CLI의 모든 변경, 서류 열람과 번호 조회 기록 (최신순)." }))),
      el("div", { class: "panel" }, el("form", { class: "inline-field", onsubmit: (ev) => { ev.preventDefault();
        renderAudit({ operator: op.value.trim(), target: target.value.trim() }); } },
        op, target, el("button", { class: "button", type: "submit" }, "검색"))),
      el("div", { class: "panel table-wrap" }, el("table", { id: "audit" },
        el("thead", {}, el("tr", {}, el("th", { text: "시각" }), el("th", { text: "운영자" }), el("th", { text: "작업" }),
          el("th", { text: "대상" }), el("th", { text: "사유" }), el("th", { text: "출처" }))), body), more));
    const load = async (startKey) => {
      const q = new URLSearchParams({ limit: "100" });
      if (filter.operator) q.set("operator", filter.operator);
      if (filter.target) q.set("target", filter.target);
      if (startKey) q.set("startKey", startKey);
      let page;
      try { page = await api("GET", "/admin/v1/audit?" + q); } catch (e) { toast(e.message, true); return; }
      for (const e of page.data)
        body.append(el("tr", {}, el("td", {}, fmtDate(e.dateCreated)), el("td", {}, e.operator),
          el("td", { class: "mono" }, e.action), el("td", { class: "mono" }, e.target), el("td", {}, e.reason || ""),
          el("td", { class: "mono" }, e.sourceAddress)));
      more.replaceChildren();
      if (page.nextKey) more.append(el("button", { class: "button secondary", onclick: () => load(page.nextKey) }, "더 보기"));
    };
    await load(null);
  }

  // ---------------------------------------------------------------------------------------------
  // Routing (#/reviews, #/review/ID, #/lookup/NUMBER, #/accounts, #/account/ID, #/audit)

  function route() {
    if (!state.operator) return renderSignIn();
    state.keys = null;
    const [, view, arg] = (location.hash || "#/reviews").split("/").map((s) => s && decodeURIComponent(s));
    for (const a of document.querySelectorAll("[data-nav]"))
      a.classList.toggle("active", a.dataset.nav === view || (view === "review" && a.dataset.nav === "reviews") ||
        (view === "account" && a.dataset.nav === "accounts"));
    if (view === "review" && arg) return renderReview(arg);
    if (view === "lookup") return renderLookup(arg);
    if (view === "accounts" && state.operator.role === "admin") return renderAccounts();
    if (view === "account" && arg && state.operator.role === "admin") return renderAccount(arg);
    if (view === "audit") return renderAudit({});
    return renderQueue();
  }

  document.addEventListener("keydown", (ev) => {
    if (!state.keys || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    if (state.keys(ev)) ev.preventDefault();
  });
  window.addEventListener("hashchange", route);
  // Counted for the browser tests: the page's CSP must never have to refuse anything.
  window.cspViolations = 0;
  document.addEventListener("securitypolicyviolation", () => { window.cspViolations += 1; });

  document.getElementById("sign-out").addEventListener("click", async () => {
    try { await api("DELETE", "/admin/v1/session"); } catch (e) { /* the session is gone either way */ }
    signedOut();
  });

  api("GET", "/admin/v1/session").then((s) => { signedIn(s); route(); }).catch(() => signedOut());
})();
