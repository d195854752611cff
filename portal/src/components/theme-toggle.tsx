import { useState } from 'react';
import { currentTheme, saveTheme } from './theme';

/** Switches between the dark and light themes; the choice is kept in this browser. */
export function ThemeToggle() {
  const [theme, setTheme] = useState(currentTheme);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      data-testid="theme-toggle"
      aria-label={`Switch to the ${next} theme`}
      onClick={() => {
        saveTheme(next);
        setTheme(next);
      }}
    >
      {next === 'light' ? 'Light theme' : 'Dark theme'}
    </button>
  );
}
