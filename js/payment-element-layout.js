/*
 * The Payment Element's layout (payment-element.html): its payment methods as tabs or an
 * accordion around their panels, and which one is selected. A classic script loaded before
 * payment-element.js, which decides what to show.
 */
'use strict';

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/**
 * Lays the `panels` (type → element) out in `container`. `labels(type)` gives a method's icon
 * markup and label; `onSelect` hears every change of the selection (`null`: the accordion is
 * collapsed).
 */
function methodsLayout({ container, panels, labels, onSelect }) {
  let types = []; // the payment method types shown
  let selected = null;
  let layout = { type: 'tabs' };

  function layoutOf(layout) {
    const options = typeof layout === 'string' ? { type: layout } : Object.assign({}, layout);
    if (options.type !== 'accordion') options.type = 'tabs';
    return options;
  }

  function methodLabel(node, type) {
    const { icon, label } = labels(type);
    node.insertAdjacentHTML('beforeend', icon);
    node.lastElementChild.setAttribute('aria-hidden', 'true');
    node.append(el('span', {}, label));
  }

  function render(shownTypes, option, first) {
    const methods = container;
    const focused = document.activeElement;
    types = shownTypes;
    layout = layoutOf(option);
    if (selected && !types.includes(selected)) selected = null;
    if (!selected && !(first && layout.type === 'accordion' && layout.defaultCollapsed)) selected = types[0];
    for (const panel of Object.values(panels)) panel.remove();
    methods.textContent = '';
    if (types.length === 1) {
      methods.append(panels[types[0]]);
    } else if (layout.type === 'accordion') {
      const list = el('div', { class: `accordion${layout.spacedAccordionItems ? ' spaced' : ''}` });
      for (const type of types) {
        const item = el('div', { class: 'item', 'data-type': type });
        const header = el('button', {
          type: 'button', class: 'item-header', id: `header-${type}`, 'aria-controls': `panel-${type}`,
        });
        if (layout.radios !== false) header.append(el('span', { class: 'radio', 'aria-hidden': 'true' }));
        methodLabel(header, type);
        header.addEventListener('click', () => select(type));
        panels[type].setAttribute('role', 'region');
        panels[type].setAttribute('aria-labelledby', `header-${type}`);
        item.append(header, panels[type]);
        list.append(item);
      }
      methods.append(list);
    } else {
      const list = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Payment method' });
      for (const type of types) {
        const tab = el('button', {
          type: 'button', class: 'tab', role: 'tab', id: `tab-${type}`, 'aria-controls': `panel-${type}`,
        });
        methodLabel(tab, type);
        tab.addEventListener('click', () => select(type));
        tab.addEventListener('keydown', (event) => moveTab(event, type));
        list.append(tab);
      }
      methods.append(list);
      for (const type of types) {
        panels[type].setAttribute('role', 'tabpanel');
        panels[type].setAttribute('aria-labelledby', `tab-${type}`);
        methods.append(panels[type]);
      }
    }
    showSelection();
    if (focused && focused !== document.body && document.contains(focused)) focused.focus();
  }

  function showSelection() {
    for (const type of Object.keys(panels)) panels[type].hidden = type !== selected;
    for (const tab of document.querySelectorAll('.tab')) {
      const on = tab.id === `tab-${selected}`;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    for (const item of document.querySelectorAll('.item')) {
      const on = item.dataset.type === selected;
      item.dataset.selected = String(on);
      item.querySelector('.item-header').setAttribute('aria-expanded', String(on));
    }
  }

  function select(type) {
    if (selected === type) return;
    selected = type;
    showSelection();
    onSelect();
  }

  /** Arrow keys move between tabs, as in any tab list. */
  function moveTab(event, type) {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const next = types[(types.indexOf(type) + step + types.length) % types.length];
    select(next);
    document.getElementById(`tab-${next}`).focus();
  }

  /** Collapses an accordion (nothing selected); tabs always show one method. */
  function collapse() {
    if (layout.type !== 'accordion') return;
    selected = null;
    showSelection();
    onSelect();
  }

  return {
    render,
    collapse,
    get selected() { return selected; },
  };
}
