// In a partner's frame, the signup form tells the page around it how tall it is, so
// that page can size the frame to fit (the README's snippet, which checks the
// message's origin). Without JavaScript, or without the snippet, the frame keeps the
// height the partner gave it and scrolls.
if (window.parent !== window) {
  const postHeight = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    // Only a number is sent: any page allowed to frame us may read it.
    window.parent.postMessage({ type: "ona-embed-height", height }, "*");
  };
  new ResizeObserver(postHeight).observe(document.documentElement);
}
